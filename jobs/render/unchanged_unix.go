//go:build unix

package render

import (
	"os"
	"syscall"

	"evidencepack/transforms"
)

// openUnchangedCandidate opens path for keepUnchanged without following
// a symbolic link, and returns it when it is a regular file of size
// bytes, with mode transforms.FileMode, one link and this process's user
// as owner. O_NONBLOCK keeps the open of a FIFO from waiting for a
// writer, and does not change reads of a regular file.
func openUnchangedCandidate(path string, size int64) (*os.File, bool) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, false
	}
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() &&
		info.Mode().Perm() == transforms.FileMode && info.Size() == size {
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink == 1 && int(st.Uid) == os.Geteuid() {
			return f, true
		}
	}
	f.Close()
	return nil, false
}
