package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"evidencepack/jobs/run"
)

// readerCommands are the commands that read the warehouse of the small
// workspace.
var readerCommands = [][]string{
	{"reconcile", "--config", "config/demo.yaml", "--period", "2026-07"},
	{"check", "--config", "config/demo.yaml"},
	{"runs", "--config", "config/demo.yaml"},
}

// TestReadersBesideRun starts a run and every reader command at the same
// time, with real processes. The run must succeed, and each reader either
// succeeds or fails naming the run that holds the lock, never with
// DuckDB's own lock error.
func TestReadersBesideRun(t *testing.T) {
	dir := smallWorkspace(t)
	runWindow(t, dir, []string{"--from", "2026-07-01", "--to", "2026-07-10"})

	for round := range 2 {
		runner := startCLI(t, dir, "run", "--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-07-31")
		results := make([]result, len(readerCommands))
		var wg sync.WaitGroup
		for i, args := range readerCommands {
			wg.Go(func() { results[i] = runCLI(t, dir, args...) })
		}
		wg.Wait()
		if code := runner.wait(t, 3*time.Minute); code != 0 {
			t.Errorf("round %d: run beside readers exit %d, want 0:\n%s", round, code, runner.stderr())
		}
		for i, res := range results {
			name := readerCommands[i][0]
			switch {
			case strings.Contains(res.stderr, "IO Error") || strings.Contains(res.stderr, "Could not set lock"):
				t.Errorf("round %d: %s failed on DuckDB's lock:\n%s", round, name, res.stderr)
			case res.code == exitWarehouse && !strings.Contains(res.stderr, "another run holds the lock on"):
				t.Errorf("round %d: %s exit 6 without naming the lock holder:\n%s", round, name, res.stderr)
			case res.code != 0 && res.code != exitWarehouse:
				t.Errorf("round %d: %s exit %d, want 0 or %d:\n%s", round, name, res.code, exitWarehouse, res.stderr)
			}
		}
	}
}

// TestRunWaitsForReader holds the shared lock as a reader does and checks
// that a run without --wait waits for its release and succeeds.
func TestRunWaitsForReader(t *testing.T) {
	dir := smallWorkspace(t)
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(out, run.LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	runner := startCLI(t, dir, "run", "--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-07-05")
	time.Sleep(2 * time.Second)
	f.Close()
	if code := runner.wait(t, 3*time.Minute); code != 0 {
		t.Fatalf("run beside a reader exit %d, want 0:\n%s", code, runner.stderr())
	}
	if elapsed := time.Since(start); elapsed < 2*time.Second {
		t.Errorf("run finished after %s, before the reader released the lock", elapsed)
	}
}

func TestRunsWithoutWarehouse(t *testing.T) {
	dir := smallWorkspace(t)
	res := runCLI(t, dir, "runs", "--config", "config/demo.yaml")
	if res.code != 0 {
		t.Fatalf("runs exit %d, want 0:\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, "no runs yet") {
		t.Errorf("runs output does not say there are no runs yet:\n%s", res.stdout)
	}
}
