package run

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckOutputDir(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(root, "out")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		wantErr string // empty: no error
	}{
		{name: "existing directory", dir: existing},
		{name: "missing directories", dir: filepath.Join(root, "a", "b", "out")},
		{name: "under a regular file", dir: filepath.Join(file, "out"), wantErr: file + " is not a directory"},
		{name: "deep under a regular file", dir: filepath.Join(file, "a", "out"), wantErr: file + " is not a directory"},
		{name: "regular file", dir: file, wantErr: file + " is not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckOutputDir(tt.dir)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckOutputDir(%s) = %v, want nil", tt.dir, err)
				}
				if _, statErr := os.Stat(tt.dir); tt.dir != existing && statErr == nil {
					t.Errorf("CheckOutputDir created %s", tt.dir)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckOutputDir(%s) = nil, want an error", tt.dir)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if !errors.Is(err, ErrOutput) {
				t.Errorf("error %q is not an output error", err)
			}
		})
	}
}

func TestCheckOutputDirImmutable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	immutable(t, dir)
	err := CheckOutputDir(dir)
	if err == nil {
		t.Fatal("CheckOutputDir of an immutable directory = nil, want an error")
	}
	if !errors.Is(err, ErrOutput) || !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q, want an output error naming %s", err, dir)
	}
}
