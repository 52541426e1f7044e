package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadMemoryLimit(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    int
		wantErr string
	}{
		{name: "unset", line: "", want: 0},
		{name: "set", line: "memory_limit_mib: 200\n", want: 200},
		{name: "negative", line: "memory_limit_mib: -1\n", wantErr: "memory_limit_mib"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(tt.line+base), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(path, lookupFrom(nil))
			if tt.wantErr != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %v, want an invalid config error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if cfg.MemoryLimitMiB != tt.want {
				t.Errorf("MemoryLimitMiB = %d, want %d", cfg.MemoryLimitMiB, tt.want)
			}
		})
	}
}
