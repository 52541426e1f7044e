package run

import (
	"log/slog"
	"runtime/debug"
	"testing"

	"evidencepack/config"
)

func TestApplyMemoryLimit(t *testing.T) {
	const before = 3 << 30
	tests := []struct {
		name      string
		configMiB int
		env       string
		want      int64
	}{
		{name: "default", want: config.DefaultMemoryLimitMiB << 20},
		{name: "config", configMiB: 200, want: 200 << 20},
		{name: "config over GOMEMLIMIT", configMiB: 200, env: "1GiB", want: 200 << 20},
		{name: "GOMEMLIMIT kept", env: "1GiB", want: before},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tt.env)
			old := debug.SetMemoryLimit(before)
			defer debug.SetMemoryLimit(old)
			restore := applyMemoryLimit(&config.Config{MemoryLimitMiB: tt.configMiB}, slog.New(slog.DiscardHandler))
			if got := debug.SetMemoryLimit(-1); got != tt.want {
				t.Errorf("limit during the run = %d, want %d", got, tt.want)
			}
			restore()
			if got := debug.SetMemoryLimit(-1); got != before {
				t.Errorf("limit after the run = %d, want %d", got, before)
			}
		})
	}
}
