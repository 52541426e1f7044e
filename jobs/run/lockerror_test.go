package run

import (
	"testing"
	"time"
)

func TestLockedErrorWaited(t *testing.T) {
	tests := []struct {
		waited time.Duration
		want   string
	}{
		{waited: 4 * time.Microsecond, want: "another run holds the lock on out/.lock: pid 7"},
		{waited: 61500 * time.Millisecond, want: "another run holds the lock on out/.lock: pid 7 (waited 1m2s)"},
	}
	for _, tt := range tests {
		err := &LockedError{Path: "out/.lock", Holder: "pid 7", Waited: tt.waited}
		if got := err.Error(); got != tt.want {
			t.Errorf("waited %s: %q, want %q", tt.waited, got, tt.want)
		}
	}
}
