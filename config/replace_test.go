package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadReplaceConfig(t *testing.T, text string) (*Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(path, lookupFrom(nil))
}

func TestReplaceDefaultsByKind(t *testing.T) {
	usage := "  - name: events\n    kind: usage\n    format: csv\n    paths: [events/*.csv]\n"
	text := strings.Replace(base, "pack:\n", usage+"pack:\n", 1)
	cfg, err := loadReplaceConfig(t, text)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := cfg.Sources[0].Replace; got != ReplaceInputDates {
		t.Errorf("costs source replace = %q, want %q", got, ReplaceInputDates)
	}
	if got := cfg.Sources[1].Replace; got != ReplaceWindow {
		t.Errorf("usage source replace = %q, want %q", got, ReplaceWindow)
	}
}

func TestReplaceRejectsUnknownValue(t *testing.T) {
	_, err := loadReplaceConfig(t, strings.Replace(base, "    max_reject_ratio: 0.1", "    replace: month", 1))
	if err == nil {
		t.Fatal("Load accepted replace: month")
	}
	for _, want := range []string{":9:", "sources[0].replace", "window", "input_dates", `"month"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestReplaceWindowOnCosts(t *testing.T) {
	cfg, err := loadReplaceConfig(t, strings.Replace(base, "    max_reject_ratio: 0.1", "    replace: window", 1))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := cfg.Sources[0].Replace; got != ReplaceWindow {
		t.Errorf("replace = %q, want the configured %q", got, ReplaceWindow)
	}
}
