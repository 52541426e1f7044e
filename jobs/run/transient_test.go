package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"evidencepack/config"
)

func TestTransientClassification(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"lock held", &StepError{Step: "lock", Err: &LockedError{Path: "/out/.evidencepack.lock"}}, true},
		{"attempt deadline", &StepError{Step: "extract", Err: context.DeadlineExceeded}, true},
		{"io timeout", stepErr("write", ErrOutput, fmt.Errorf("write: %w", os.ErrDeadlineExceeded)), true},
		{"busy device", stepErr("write", ErrOutput, syscall.EBUSY), true},
		{"duckdb file lock", stepErr("load", ErrWarehouse, errors.New(
			`open duckdb /out/warehouse.duckdb: IO Error: Could not set lock on file "/out/warehouse.duckdb": Conflicting lock is held`)), true},
		{"duckdb syntax error", stepErr("load", ErrWarehouse, errors.New("Parser Error: syntax error")), false},
		{"cancelled", &StepError{Step: "load", Err: context.Canceled}, false},
		{"invalid config", stepErr("plan", config.ErrInvalid, errors.New("window end before start")), false},
		{"budget", stepErr("check", ErrBudget, errors.New("rejected 9 of 10")), false},
		{"input", stepErr("extract", ErrInput, errors.New("open usage.jsonl: no such file")), false},
		{"input read timed out", stepErr("extract", ErrInput, os.ErrDeadlineExceeded), false},
		{"marked transient", fmt.Errorf("upload: %w", ErrTransient), true},
		{"plain error", errors.New("boom"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Transient(c.err); got != c.want {
				t.Errorf("Transient(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}
