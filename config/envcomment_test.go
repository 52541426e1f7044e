package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSplitComment(t *testing.T) {
	tests := []struct {
		line, code string
	}{
		{"output_dir: out # ${X}", "output_dir: out "},
		{"# whole line ${X}", ""},
		{"  # indented ${X}", "  "},
		{"url: http://host/#frag", "url: http://host/#frag"},
		{`name: "a # b" # c`, `name: "a # b" `},
		{`name: 'a # b' # c`, `name: 'a # b' `},
		{`name: "quote \" # still inside" # c`, `name: "quote \" # still inside" `},
		{`name: 'it''s # inside' # c`, `name: 'it''s # inside' `},
		{"list: [a, 'b # c'] # d", "list: [a, 'b # c'] "},
		{"key: value#not-a-comment", "key: value#not-a-comment"},
	}
	for _, tt := range tests {
		code, comment := splitComment([]byte(tt.line))
		if string(code) != tt.code || string(code)+string(comment) != tt.line {
			t.Errorf("splitComment(%q) = %q, %q; want code %q", tt.line, code, comment, tt.code)
		}
	}
}

// A reference inside a comment after a value is not expanded, so an unset
// variable named there does not stop the load.
func TestTrailingCommentNotExpanded(t *testing.T) {
	text := strings.Replace(base, "time_zone: UTC", "time_zone: UTC # was ${EP_OLD_ZONE}", 1)
	if text == base {
		t.Fatal("base has no time_zone line")
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, lookupFrom(nil))
	if err != nil {
		t.Fatalf("Load = %v, want no error", err)
	}
	if cfg.TimeZone != "UTC" {
		t.Errorf("time_zone %q, want UTC", cfg.TimeZone)
	}
}
