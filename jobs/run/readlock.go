package run

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"evidencepack/transforms"
)

// ReaderLockWait is the minimum time a run, a render or a migration waits
// while commands that only read the output directory or its warehouse
// hold the shared lock. Readers hold it for the duration of their
// warehouse queries, so a run started beside them is delayed instead of
// failing.
//
// NOTE: readers that keep arriving before the previous ones finish can
// delay a run until ReaderLockWait has passed, and the run then fails.
const ReaderLockWait = 10 * time.Minute

// readersHolder is the holder text of a lock that only readers hold. They
// write no holder text, because several of them share the lock.
const readersHolder = "commands that read the warehouse (reconcile, check, runs or replay) hold it shared"

// ReadLock is a shared lock on the output directory's lock file. Any
// number of readers hold it together, and a run waits for all of them
// before it opens the warehouse for writing.
type ReadLock struct {
	file *os.File
}

// LockForReading takes the shared lock on dir/LockFile. When a run, render
// or migration has the lock, it fails at once with a LockedError naming
// the holder if wait is 0, and otherwise retries until wait has passed or
// ctx is done. When dir does not exist, there is nothing to protect, so it
// returns an empty lock. The error wraps ErrLocked and ErrWarehouse.
func LockForReading(ctx context.Context, dir string, wait time.Duration) (*ReadLock, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return &ReadLock{}, nil
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, transforms.FileMode)
	if err != nil {
		return nil, fmt.Errorf("%w: open lock file %s: %w", ErrWarehouse, path, err)
	}
	start := time.Now()
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
		if err == nil {
			return &ReadLock{file: f}, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("%w: lock %s: %w", ErrWarehouse, path, err)
		}
		waited := time.Since(start)
		if waited >= wait {
			f.Close()
			return nil, &LockedError{Path: path, Holder: readHolder(path), Waited: waited}
		}
		if err := sleepContext(ctx, min(lockPollInterval, wait-waited)); err != nil {
			f.Close()
			return nil, err
		}
	}
}

// Release unlocks the lock. It may be called more than once, and on a nil
// lock.
func (l *ReadLock) Release() {
	if l == nil || l.file == nil {
		return
	}
	_ = unix.Flock(int(l.file.Fd()), unix.LOCK_UN)
	_ = l.file.Close()
	l.file = nil
}
