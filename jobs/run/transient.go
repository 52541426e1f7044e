package run

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"

	"evidencepack/config"
)

// ErrTransient marks a failure that may pass if the same run is tried
// again, such as a warehouse held by another process.
var ErrTransient = errors.New("transient error")

// transientDuckDB are texts of DuckDB errors about a database file or
// table that another process or transaction holds, as DuckDB 1.x words
// them.
var transientDuckDB = []string{
	"Could not set lock on file",
	"Conflicting lock is held",
	"Transaction conflict",
	"Conflict on tuple",
	"database is locked",
}

// Transient reports whether retrying the run that returned err may
// succeed: the output directory or warehouse was locked or busy, an I/O
// operation timed out, or an attempt's own deadline passed. It reports
// false for nil, for cancellation, and for permanent failures (an invalid
// config, a source over its reject budget, a missing or unreadable input),
// which fail the same way on every attempt.
func Transient(err error) bool {
	switch {
	case err == nil,
		errors.Is(err, context.Canceled),
		errors.Is(err, config.ErrInvalid),
		errors.Is(err, ErrBudget),
		errors.Is(err, ErrInput):
		return false
	case errors.Is(err, ErrTransient),
		errors.Is(err, ErrLocked),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, syscall.EAGAIN),
		errors.Is(err, syscall.EBUSY),
		errors.Is(err, syscall.ETIMEDOUT):
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	if errors.Is(err, ErrWarehouse) {
		msg := err.Error()
		for _, text := range transientDuckDB {
			if strings.Contains(msg, text) {
				return true
			}
		}
	}
	return false
}
