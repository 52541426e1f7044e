package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
)

// compareBuffers contains the buffers that fileEquals reads files into.
var compareBuffers = sync.Pool{New: func() any {
	buf := make([]byte, 64<<10)
	return &buf
}}

// fileEquals reports whether the bytes of f from its current offset to
// its end equal data. It stops at the first chunk that differs.
func fileEquals(f *os.File, data []byte) bool {
	buf := compareBuffers.Get().(*[]byte)
	defer compareBuffers.Put(buf)
	chunk := *buf
	for rest := data; len(rest) > 0; {
		n := min(len(chunk), len(rest))
		if _, err := io.ReadFull(f, chunk[:n]); err != nil {
			return false
		}
		if !bytes.Equal(chunk[:n], rest[:n]) {
			return false
		}
		rest = rest[n:]
	}
	// The file may have grown since its size was read.
	n, _ := f.Read(chunk[:1])
	return n == 0
}

// keepUnchanged reports whether path already is the file that writing
// data would leave: a regular file, not a symbolic link, with one link,
// owned by this process's user, with mode transforms.FileMode and exactly
// the bytes of data. The caller can then leave it in place, so that no
// inode is allocated or freed. Any error while checking counts as a
// difference. With sync set it syncs a file it keeps, as writing the file
// would have, and returns the error of that sync.
func keepUnchanged(path string, data []byte, sync bool) (bool, error) {
	f, ok := openUnchangedCandidate(path, int64(len(data)))
	if !ok {
		return false, nil
	}
	defer f.Close()
	if !fileEquals(f, data) {
		return false, nil
	}
	if sync {
		if err := f.Sync(); err != nil {
			return false, fmt.Errorf("sync %s: %w", path, err)
		}
	}
	return true, nil
}
