package run

import (
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"testing"

	"evidencepack/config"
)

func TestApplyMemoryLimit(t *testing.T) {
	const before = 3 << 30
	const outside = 40 << 20
	measure := residentOutsideGo
	residentOutsideGo = func() int64 { return outside }
	defer func() { residentOutsideGo = measure }()
	tests := []struct {
		name      string
		configMiB int
		env       string
		want      int64
	}{
		{name: "default", want: config.DefaultMemoryLimitMiB<<20 - outside},
		{name: "config", configMiB: 200, want: 200<<20 - outside},
		{name: "config over GOMEMLIMIT", configMiB: 200, env: "1GiB", want: 200<<20 - outside},
		{name: "config under twice the memory outside Go", configMiB: 64, want: 32 << 20},
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

func TestGoMemoryLimit(t *testing.T) {
	tests := []struct {
		limit, outside, want int64
	}{
		{limit: 256 << 20, outside: 0, want: 256 << 20},
		{limit: 256 << 20, outside: 56 << 20, want: 200 << 20},
		{limit: 256 << 20, outside: 128 << 20, want: 128 << 20},
		{limit: 256 << 20, outside: 300 << 20, want: 128 << 20},
	}
	for _, tt := range tests {
		if got := goMemoryLimit(tt.limit, tt.outside); got != tt.want {
			t.Errorf("goMemoryLimit(%d, %d) = %d, want %d", tt.limit, tt.outside, got, tt.want)
		}
	}
}

// TestResidentOutsideGo checks the measurement on Linux: the test binary's
// code, with DuckDB linked in, is resident and outside the Go runtime's
// accounting, and it is less than the resident memory of the process.
func TestResidentOutsideGo(t *testing.T) {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm here: %v", err)
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(statm), &size, &resident); err != nil {
		t.Fatal(err)
	}
	got := residentOutsideGo()
	if got < 1<<20 || got >= resident*int64(os.Getpagesize()) {
		t.Errorf("resident outside Go = %d bytes, want at least 1 MiB and less than the %d resident bytes",
			got, resident*int64(os.Getpagesize()))
	}
}
