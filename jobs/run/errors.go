package run

import (
	"context"
	"errors"
	"fmt"
)

// Classes of run failure, for exit codes and retry decisions. Every error
// Run returns wraps a StepError, and most wrap one of these as well.
var (
	ErrInput     = errors.New("input error")
	ErrBudget    = errors.New("error budget exceeded")
	ErrWarehouse = errors.New("warehouse error")
	ErrOutput    = errors.New("output error")
)

// StepError is a failure of one named step of a run.
type StepError struct {
	Step string
	Err  error
}

// Error formats the failure as "step: error".
func (e *StepError) Error() string { return fmt.Sprintf("%s: %v", e.Step, e.Err) }

// Unwrap returns the underlying error.
func (e *StepError) Unwrap() error { return e.Err }

// stepErr wraps err as a failure of step in class. A cancellation keeps
// no class, so a cancelled run is not reported as an input or output error.
func stepErr(step string, class, err error) error {
	if class != nil && !errors.Is(err, class) && !errors.Is(err, context.Canceled) {
		err = fmt.Errorf("%w: %w", class, err)
	}
	return &StepError{Step: step, Err: err}
}

// cancelledStep returns the cancellation of the step that err names (or
// of step) when ctx was cancelled, and err otherwise. A signal interrupts
// DuckDB queries and file reads with errors of their own, so the cancelled
// context decides that the run was cancelled rather than failed.
func cancelledStep(ctx context.Context, step string, err error) error {
	if !errors.Is(ctx.Err(), context.Canceled) {
		return err
	}
	var se *StepError
	if errors.As(err, &se) {
		step = se.Step
	}
	cause := context.Cause(ctx)
	if !errors.Is(cause, context.Canceled) {
		cause = fmt.Errorf("%w: %w", context.Canceled, cause)
	}
	return &StepError{Step: step, Err: cause}
}

// runStatus returns the manifest status of a run that returned err.
func runStatus(err error) string {
	switch {
	case err == nil:
		return StatusSucceeded
	case errors.Is(err, context.Canceled):
		return StatusCancelled
	}
	return StatusFailed
}
