package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSecondRunBlockedByLock holds the lock with a stopped run and checks
// that other runs and renders fail naming it, and that --wait takes the
// lock once the holder finishes.
func TestSecondRunBlockedByLock(t *testing.T) {
	dir := smallWorkspace(t)
	args := []string{"run", "--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-07-10"}
	holder := startCLI(t, dir, append(args, "--log-level", "debug")...)
	seen := 0
	if holder.waitLine(`"msg":"lock acquired"`, &seen, time.Minute) == 0 {
		t.Fatalf("first run never took the lock:\n%s", holder.stderr())
	}
	pid := holder.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	res := runCLI(t, dir, args...)
	if res.code != exitWarehouse {
		t.Errorf("second run exit code = %d, want %d\nstderr: %s", res.code, exitWarehouse, res.stderr)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("second run took %s to fail, want it to fail at once", elapsed)
	}
	for _, want := range []string{"another run holds the lock on", ".evidencepack.lock",
		fmt.Sprintf("pid %d on host ", pid), " since 20", "run --config config/demo.yaml"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("second run stderr does not contain %q:\n%s", want, res.stderr)
		}
	}

	res = runCLI(t, dir, "render", "--config", "config/demo.yaml", "--period", "2026-Q3", "--wait", "1s")
	if res.code != exitWarehouse || !strings.Contains(res.stderr, "waited") {
		t.Errorf("render with --wait 1s: exit %d, stderr:\n%s", res.code, res.stderr)
	}

	waiter := startCLI(t, dir, append(args, "--wait", "2m")...)
	time.Sleep(500 * time.Millisecond)
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if code := holder.wait(t, 2*time.Minute); code != 0 {
		t.Errorf("first run exit code = %d after SIGCONT:\n%s", code, holder.stderr())
	}
	if code := waiter.wait(t, 2*time.Minute); code != 0 {
		t.Errorf("waiting run exit code = %d, want 0:\n%s", code, waiter.stderr())
	}
}
