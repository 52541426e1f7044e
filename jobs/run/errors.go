package run

import (
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

func stepErr(step string, class, err error) error {
	if class != nil && !errors.Is(err, class) {
		err = fmt.Errorf("%w: %w", class, err)
	}
	return &StepError{Step: step, Err: err}
}
