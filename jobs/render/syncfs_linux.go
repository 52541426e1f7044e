//go:build linux

package render

import (
	"os"

	"golang.org/x/sys/unix"
)

// canSyncFilesystem is true where syncFilesystem works.
const canSyncFilesystem = true

// syncFilesystem writes the dirty data and metadata of the file system
// that contains f to its device and waits for them, with syncfs(2). It
// returns the write errors of that file system since f was opened.
// NOTE: Linux before 5.8 returns no write error from syncfs, so a failed
// write of a pack file goes unreported there.
func syncFilesystem(f *os.File) error {
	return unix.Syncfs(int(f.Fd()))
}
