package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"evidencepack/transforms"
)

// packStage is a temporary directory under packs/ that a run renders every
// period into before any of them replaces the published one, so a failed
// render leaves the previous packs whole.
type packStage struct {
	final string // packs/
	dir   string // packs/.tmp-render-…
}

func newPackStage(final string) (*packStage, error) {
	if err := os.MkdirAll(final, transforms.DirMode); err != nil {
		return nil, fmt.Errorf("create %s: %w", final, err)
	}
	dir, err := os.MkdirTemp(final, ".tmp-render-")
	if err != nil {
		return nil, fmt.Errorf("create pack staging directory: %w", err)
	}
	if err := os.Chmod(dir, transforms.DirMode); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("chmod %s: %w", dir, err)
	}
	return &packStage{final: final, dir: dir}, nil
}

// finalPath maps a file written under the stage to where it is published.
func (s *packStage) finalPath(staged string) string {
	rel, err := filepath.Rel(s.dir, staged)
	if err != nil || strings.HasPrefix(rel, "..") {
		return staged
	}
	return filepath.Join(s.final, rel)
}

// publish replaces each period directory with its staged copy and returns
// the periods it replaced, also when it fails on a later one. Each swap is
// atomic on Linux (renameat2 with RENAME_EXCHANGE), so a reader sees the
// old period or the new one, never a mix of packs.
func (s *packStage) publish(periods []string) ([]string, error) {
	var published []string
	for _, period := range periods {
		staged := filepath.Join(s.dir, period)
		if _, err := os.Stat(staged); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := swapDir(staged, filepath.Join(s.final, period)); err != nil {
			return published, fmt.Errorf("publish packs of %s: %w", period, err)
		}
		published = append(published, period)
	}
	return published, transforms.SyncDir(s.final)
}

// discard removes the stage with whatever it still holds: nothing after a
// publish but the replaced period directories.
func (s *packStage) discard() { os.RemoveAll(s.dir) }

// swapDir puts staged at final. When final exists the two are exchanged,
// so the old directory ends up at staged and is removed with the stage.
func swapDir(staged, final string) error {
	err := unix.Renameat2(unix.AT_FDCWD, staged, unix.AT_FDCWD, final, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT):
		return os.Rename(staged, final)
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS):
		// NOTE: this file system cannot exchange directories, so a reader
		// may find the period missing between the two renames.
		old := staged + ".old"
		if err := os.Rename(final, old); err != nil {
			return err
		}
		return os.Rename(staged, final)
	}
	return &os.LinkError{Op: "exchange", Old: staged, New: final, Err: err}
}
