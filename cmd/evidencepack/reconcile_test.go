package main

import (
	"fmt"
	"testing"

	"evidencepack/jobs/finance"
)

func TestReconcileDifferenceExitCode(t *testing.T) {
	err := fmt.Errorf("%w: 2 of 31 rows of 2026-Q3 differ", finance.ErrDifference)
	if got := exitCode(err); got != exitDifference {
		t.Errorf("exit code = %d, want %d", got, exitDifference)
	}
}

func TestReconcileInvalidPeriod(t *testing.T) {
	res := runCLI(t, t.TempDir(), "reconcile", "--config", "missing.yaml", "--period", "2026-Q5")
	if res.code != exitUsage {
		t.Errorf("exit code = %d, want %d\n%s", res.code, exitUsage, res.stderr)
	}
}
