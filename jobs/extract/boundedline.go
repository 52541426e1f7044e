package extract

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes is the longest JSON Lines record that is read. A longer line
// is quarantined without being held in memory, so one broken or hostile
// line cannot exhaust memory. 16 MiB is far above any usage event, label
// or incident record.
const MaxLineBytes = 16 << 20

// lineRawPrefix is how much of an over-long line the quarantine row keeps.
const lineRawPrefix = 256

// lineReader reads lines of at most max bytes from a bufio.Reader. It
// holds at most max bytes of a line, however long the line is.
type lineReader struct {
	br  *bufio.Reader
	max int
	buf []byte
}

// next returns the next line without its line break. For a line longer
// than max it returns the first lineRawPrefix bytes with tooLong set and
// the line's full length in size, after skipping the rest of the line. At
// the end of input it returns io.EOF, with the last line if it has no
// line break. The line is valid until the next call.
func (lr *lineReader) next() (line []byte, size int64, tooLong bool, err error) {
	chunk, rerr := lr.br.ReadSlice('\n')
	if !errors.Is(rerr, bufio.ErrBufferFull) && len(chunk) <= lr.max+1 {
		// The whole line is in the bufio.Reader's buffer, so it needs no copy.
		if rerr != nil && rerr != io.EOF {
			return nil, int64(len(chunk)), false, rerr
		}
		return chunk, int64(len(chunk)), false, rerr
	}
	lr.buf = lr.buf[:0]
	for {
		size += int64(len(chunk))
		if !tooLong && len(lr.buf)+len(chunk) > lr.max+1 {
			tooLong = true
			lr.buf = lr.buf[:min(len(lr.buf), lineRawPrefix)]
		}
		if !tooLong {
			lr.buf = append(lr.buf, chunk...)
		} else if len(lr.buf) < lineRawPrefix {
			lr.buf = append(lr.buf, chunk[:min(len(chunk), lineRawPrefix-len(lr.buf))]...)
		}
		switch {
		case errors.Is(rerr, bufio.ErrBufferFull):
			chunk, rerr = lr.br.ReadSlice('\n')
			continue
		case rerr == io.EOF:
			return lr.buf, size, tooLong, io.EOF
		case rerr != nil:
			return nil, size, tooLong, rerr
		}
		return lr.buf, size, tooLong, nil
	}
}

// tooLongReason is the quarantine reason of an over-long line.
func tooLongReason(size int64) string {
	return fmt.Sprintf("line of %d bytes is longer than the %d-byte limit of a JSON Lines record; "+
		"the raw value holds its first %d bytes", size, MaxLineBytes, lineRawPrefix)
}
