package run

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadLockAgainstRunLock checks how shared and exclusive holders of
// the output directory's lock meet.
func TestReadLockAgainstRunLock(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		test func(t *testing.T, dir string)
	}{
		{"readers share", func(t *testing.T, dir string) {
			a, err := LockForReading(ctx, dir, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Release()
			b, err := LockForReading(ctx, dir, 0)
			if err != nil {
				t.Fatalf("second reader: %v", err)
			}
			b.Release()
		}},
		{"reader fails on run", func(t *testing.T, dir string) {
			l, err := acquireLock(ctx, dir, 0, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			defer l.release()
			_, err = LockForReading(ctx, dir, 0)
			if !errors.Is(err, ErrLocked) || !errors.Is(err, ErrWarehouse) {
				t.Fatalf("reader error = %v, want ErrLocked and ErrWarehouse", err)
			}
			if !strings.Contains(err.Error(), "another run holds the lock on") ||
				!strings.Contains(err.Error(), "pid ") {
				t.Errorf("reader error %q does not name the run", err)
			}
		}},
		{"run waits for reader", func(t *testing.T, dir string) {
			r, err := LockForReading(ctx, dir, 0)
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				time.Sleep(400 * time.Millisecond)
				r.Release()
			}()
			start := time.Now()
			l, err := acquireLock(ctx, dir, 0, time.Now)
			if err != nil {
				t.Fatalf("run with wait 0 beside a reader: %v", err)
			}
			l.release()
			if waited := time.Since(start); waited < 300*time.Millisecond {
				t.Errorf("run took the lock after %s, before the reader released it", waited)
			}
		}},
		{"missing directory", func(t *testing.T, dir string) {
			missing := filepath.Join(dir, "absent")
			l, err := LockForReading(ctx, missing, 0)
			if err != nil {
				t.Fatal(err)
			}
			l.Release()
			if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("reader created %s (stat error %v)", missing, err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, t.TempDir()) })
	}
}
