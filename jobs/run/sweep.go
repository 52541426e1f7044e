package run

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// isTempName reports whether name is a temporary file of an unfinished
// write. Facts, quarantine files and manifests use the prefix ".tmp-";
// packs use ".<name>.tmp-".
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".tmp-") || (strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-"))
}

// sweepTempFiles removes the temporary files that a killed run left under
// dir. It must run while holding the lock, so no live run owns them.
func sweepTempFiles(ctx context.Context, dir string, log *slog.Logger) error {
	removed := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !isTempName(d.Name()) {
			return nil
		}
		// A pack staging directory is removed with everything in it.
		if err := os.RemoveAll(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed++
		log.Debug("removed stale temporary file", "path", path)
		if d.IsDir() {
			return fs.SkipDir
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove stale temporary files under %s: %w", dir, err)
	}
	if removed > 0 {
		log.Info("removed stale temporary files of an earlier run", "count", removed, "dir", dir)
	}
	return nil
}
