//go:build !unix

package render

import "os"

// openUnchangedCandidate returns no file, so that every pack file is
// written, where the link count and owner of a file cannot be read.
func openUnchangedCandidate(string, int64) (*os.File, bool) {
	return nil, false
}
