package run

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// CheckOutputDir reports, without creating or writing anything, whether
// a run could create dir and its lock file. A missing dir is checked at
// its nearest existing ancestor, which must be a writable directory.
// Errors wrap ErrOutput, the class of a run's failure to take its lock.
func CheckOutputDir(dir string) error {
	lock := filepath.Join(dir, LockFile)
	if _, err := os.Stat(lock); err == nil {
		if err := access(lock, unix.R_OK|unix.W_OK); err != nil {
			return fmt.Errorf("%w: lock file cannot be opened for writing: %w", ErrOutput, err)
		}
		return nil
	}
	for p := dir; ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		switch {
		case err == nil && !info.IsDir():
			return fmt.Errorf("%w: output directory %s cannot be created: %s is not a directory", ErrOutput, dir, p)
		case err == nil:
			if err := access(p, unix.W_OK|unix.X_OK); err != nil {
				return fmt.Errorf("%w: output directory %s cannot be created or written: %w", ErrOutput, dir, err)
			}
			return nil
		case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
			return fmt.Errorf("%w: check output directory %s: %w", ErrOutput, dir, err)
		}
		if filepath.Dir(p) == p {
			return nil
		}
	}
}

// access checks the permission bits in mode on path for this process,
// as access(2) does. Root passes permission bits but not an immutable
// attribute or a read-only file system.
func access(path string, mode uint32) error {
	if err := unix.Access(path, mode); err != nil {
		return &fs.PathError{Op: "access", Path: path, Err: err}
	}
	return nil
}
