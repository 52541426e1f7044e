package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"evidencepack/transforms"
)

// LockFile is the name of the lock file in the output directory. Run and
// Render hold an exclusive flock on it, so two runs against one output
// directory never interleave.
const LockFile = ".evidencepack.lock"

// lockPollInterval is how often a run waiting for the lock tries again.
const lockPollInterval = 200 * time.Millisecond

// ErrLocked marks a run that did not start because another process holds
// the lock. It wraps ErrWarehouse, so the command exits with the
// warehouse error code.
var ErrLocked = fmt.Errorf("%w: lock held by another run", ErrWarehouse)

// LockedError names the lock file and the process that holds it.
type LockedError struct {
	Path   string
	Holder string // the holder's lock file text: pid, host, start time, command
	Waited time.Duration
}

// Error returns the message naming the lock holder.
func (e *LockedError) Error() string {
	msg := fmt.Sprintf("another run holds the lock on %s: %s", e.Path, e.Holder)
	if e.Holder == readersHolder {
		msg = fmt.Sprintf("the lock on %s is busy: %s", e.Path, e.Holder)
	}
	// Without --wait the lock is tried once, a few microseconds that are
	// not worth printing.
	if e.Waited >= time.Second {
		msg += fmt.Sprintf(" (waited %s)", e.Waited.Round(time.Second))
	}
	return msg
}

// Is reports ErrLocked and ErrWarehouse as the error's classes.
func (e *LockedError) Is(target error) bool {
	return target == ErrLocked || target == ErrWarehouse
}

// runLock is a held lock on the lock file.
type runLock struct {
	file *os.File
}

// acquireLock takes the exclusive lock on dir/LockFile and writes the
// holder's pid, host, start time and command into the file. With wait 0 it
// fails at once when another process holds the lock; otherwise it retries
// until wait has passed or ctx is done. The kernel releases the lock when
// the process exits, also on SIGKILL, so a crashed run leaves no stale lock.
func acquireLock(ctx context.Context, dir string, wait time.Duration, now func() time.Time) (*runLock, error) {
	if err := os.MkdirAll(dir, transforms.DirMode); err != nil {
		return nil, fmt.Errorf("create output directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, transforms.FileMode)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := waitForLock(ctx, f, wait, now); err != nil {
		f.Close()
		return nil, err
	}
	l := &runLock{file: f}
	if err := l.writeHolder(now()); err != nil {
		l.release()
		return nil, err
	}
	return l, nil
}

// waitForLock tries the exclusive flock on f every lockPollInterval until
// it gets it, wait has passed or ctx is done. While only readers hold
// the shared lock, it waits at least ReaderLockWait, so a command that
// reads the warehouse delays a run instead of failing it.
func waitForLock(ctx context.Context, f *os.File, wait time.Duration, now func() time.Time) error {
	start := now()
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			return fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		readers := onlyReadersHold(f)
		limit := wait
		if readers {
			limit = max(wait, ReaderLockWait)
		}
		waited := now().Sub(start)
		if waited >= limit {
			if readers {
				return &LockedError{Path: f.Name(), Holder: readersHolder, Waited: waited}
			}
			return &LockedError{Path: f.Name(), Holder: readHolder(f.Name()), Waited: waited}
		}
		if err := sleepContext(ctx, min(lockPollInterval, limit-waited)); err != nil {
			return err
		}
	}
}

// onlyReadersHold reports whether the processes holding the lock on f
// all hold it shared: a shared flock is granted only while no process
// holds it exclusively.
func onlyReadersHold(f *os.File) bool {
	if unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB) != nil {
		return false
	}
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return true
}

// writeHolder replaces the lock file's text with this process's details.
func (l *runLock) writeHolder(start time.Time) error {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	text := fmt.Sprintf("pid %d on host %s since %s (%s)\n", os.Getpid(), host,
		start.UTC().Format(time.RFC3339), strings.Join(os.Args, " "))
	if err := l.file.Truncate(0); err != nil {
		return fmt.Errorf("write lock holder to %s: %w", l.file.Name(), err)
	}
	if _, err := l.file.WriteAt([]byte(text), 0); err != nil {
		return fmt.Errorf("write lock holder to %s: %w", l.file.Name(), err)
	}
	return nil
}

// release empties the lock file and unlocks it.
func (l *runLock) release() {
	if l == nil || l.file == nil {
		return
	}
	_ = l.file.Truncate(0)
	_ = unix.Flock(int(l.file.Fd()), unix.LOCK_UN)
	_ = l.file.Close()
	l.file = nil
}

// readHolder returns the lock file's text, which the holder wrote after
// taking the lock. A holder that has only just taken it may not have
// written it yet.
func readHolder(path string) string {
	data, err := os.ReadFile(path)
	text := string(bytes.TrimSpace(data))
	if err != nil || text == "" {
		return "holder unknown (the lock file names no process yet)"
	}
	return text
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
