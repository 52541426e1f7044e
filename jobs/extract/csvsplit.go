package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
)

// maxCSVRecordBytes is the longest CSV record that is parsed, counted
// from its first byte to its line break. A longer record, such as one
// whose quoted field never closes, is quarantined without being held in
// memory. 16 MiB is far above any row of the supported exports.
const maxCSVRecordBytes = 16 << 20

// csvChunkBytes is the size of the blocks a CSV file is read in. Each
// block is cut after its last complete record and parsed by one worker.
// It is a variable so that tests can cross many block boundaries with
// small inputs.
var csvChunkBytes = 256 << 10

// csvChunkBuffers recycles read blocks of csvChunkBytes once a worker has
// parsed them.
var csvChunkBuffers sync.Pool

// csvChunk is one unit of work for a worker: a run of complete records,
// or one record rejected whole while splitting, with its reason and the
// start of its raw text.
type csvChunk struct {
	data   []byte
	reason string
	raw    []byte
}

// csvSplitter cuts CSV input into runs of complete records. It follows
// the grammar of encoding/csv without LazyQuotes, so that every record
// encoding/csv reads lies wholly inside one run:
//
//   - A record ends at a line feed that is not inside a quoted field.
//   - A field is quoted when its first byte is a double quote. Inside
//     it, two double quotes stand for one, and the closing quote must be
//     followed by the delimiter or the end of the line.
//   - A quote in an unquoted field, or a closing quote followed by
//     anything else, is a parse error that ends the record at the end of
//     its line.
type csvSplitter struct {
	delim []byte // the delimiter, UTF-8 encoded

	// chunkBytes is the size of the blocks read. maxRecordBytes is the
	// longest record kept (see maxCSVRecordBytes).
	chunkBytes, maxRecordBytes int
}

func newCSVSplitter(delimiter rune) *csvSplitter {
	return &csvSplitter{delim: []byte(string(delimiter)), chunkBytes: csvChunkBytes, maxRecordBytes: maxCSVRecordBytes}
}

// lastRecordEnd returns the length of the longest prefix of buf that
// consists of complete records, 0 when no record ends in buf. buf must
// start at the start of a record. A record whose end depends on bytes
// after buf is not complete.
//
// Quote-free stretches are skipped with bytes.IndexByte, so the cost is
// one pass over the data plus a few steps per quote.
func (s *csvSplitter) lastRecordEnd(buf []byte) int {
	last, i := 0, 0 // i is the start of a field
	for {
		q := bytes.IndexByte(buf[i:], '"')
		if q < 0 {
			if nl := bytes.LastIndexByte(buf[i:], '\n'); nl >= 0 {
				last = i + nl + 1
			}
			return last
		}
		q += i
		if nl := bytes.LastIndexByte(buf[i:q], '\n'); nl >= 0 {
			last = i + nl + 1
			i = last
		}
		// The quote opens a quoted field when it is the first byte of a
		// field: at i, or right after a delimiter. Delimiter occurrences
		// cannot overlap, because a UTF-8 leading byte never repeats inside
		// an encoded rune.
		if q != i && !bytes.HasSuffix(buf[i:q], s.delim) {
			end, ok := lineEnd(buf, q)
			if !ok {
				return last
			}
			last, i = end, end
			continue
		}
		next, end, ok := s.skipQuoted(buf, q+1)
		if !ok {
			return last
		}
		if end {
			last = next
		}
		i = next
	}
}

// skipQuoted scans the quoted field whose text starts at buf[from]. It
// returns the start of the next field, or with end set the start of the
// next record. ok is false when the outcome depends on bytes after buf.
func (s *csvSplitter) skipQuoted(buf []byte, from int) (next int, end, ok bool) {
	j := from
	for {
		k := bytes.IndexByte(buf[j:], '"')
		if k < 0 {
			return 0, false, false
		}
		a := j + k + 1 // the byte after the quote
		switch {
		case a < len(buf) && buf[a] == '"':
			j = a + 1
			continue
		case bytes.HasPrefix(buf[a:], s.delim):
			return a + len(s.delim), false, true
		case len(buf)-a < len(s.delim) && bytes.HasPrefix(s.delim, buf[a:]):
			return 0, false, false
		}
		// The field closed and the record ends with this line: at once
		// when a line break follows (CRLF reads as LF), else after a parse
		// error.
		e, ok := lineEnd(buf, a)
		return e, true, ok
	}
}

// lineEnd returns the position after the line feed at or after from.
func lineEnd(buf []byte, from int) (int, bool) {
	nl := bytes.IndexByte(buf[from:], '\n')
	if nl < 0 {
		return 0, false
	}
	return from + nl + 1, true
}

// States of csvRecordScanner.
const (
	csvFieldStart    = iota // at the first byte of a field
	csvUnquoted             // inside an unquoted field
	csvUnquotedDelim        // inside an unquoted field, partway through a multi-byte delimiter
	csvQuoted               // inside a quoted field
	csvQuote                // right after a quote inside a quoted field
	csvQuoteDelim           // after a closing quote, partway through a multi-byte delimiter
	csvBadLine              // after a parse error, until the end of the line
)

// csvRecordScanner finds the end of one record a byte at a time, across
// any number of reads. It is the slow, resumable form of lastRecordEnd,
// used to skip records longer than maxRecordBytes.
type csvRecordScanner struct {
	delim   []byte
	state   int
	matched int // delimiter bytes matched in the *Delim states
}

// scan returns the position after the line feed that ends the record in
// b, or -1 when the record goes on after b.
func (m *csvRecordScanner) scan(b []byte) int {
	for i, c := range b {
		if m.step(c) {
			m.state = csvFieldStart
			return i + 1
		}
	}
	return -1
}

// step consumes one byte and reports whether it ended the record.
func (m *csvRecordScanner) step(c byte) bool {
	switch m.state {
	case csvFieldStart:
		if c == '"' {
			m.state = csvQuoted
			return false
		}
		return m.unquoted(c)
	case csvUnquoted:
		return m.unquoted(c)
	case csvUnquotedDelim:
		if c == m.delim[m.matched] {
			m.delimByte(csvUnquotedDelim)
			return false
		}
		return m.unquoted(c)
	case csvQuoted:
		if c == '"' {
			m.state = csvQuote
		}
		return false
	case csvQuote:
		switch c {
		case '"':
			m.state = csvQuoted
		case m.delim[0]:
			m.matched = 0
			m.delimByte(csvQuoteDelim)
		default:
			// The field closed and the record ends with the line.
			m.state = csvBadLine
			return c == '\n'
		}
		return false
	case csvQuoteDelim:
		if c == m.delim[m.matched] {
			m.delimByte(csvQuoteDelim)
			return false
		}
		m.state = csvBadLine
		return c == '\n'
	default: // csvBadLine
		return c == '\n'
	}
}

// unquoted consumes a byte of an unquoted field.
func (m *csvRecordScanner) unquoted(c byte) bool {
	switch {
	case c == '"':
		m.state = csvBadLine
	case c == '\n':
		return true
	case c == m.delim[0]:
		m.matched = 0
		m.delimByte(csvUnquotedDelim)
	default:
		m.state = csvUnquoted
	}
	return false
}

// delimByte counts one more matched delimiter byte. A whole delimiter
// starts the next field, a part of one leaves the scanner in partial.
func (m *csvRecordScanner) delimByte(partial int) {
	m.matched++
	if m.matched == len(m.delim) {
		m.state = csvFieldStart
		return
	}
	m.state = partial
}

// split reads r to its end and passes runs of complete records to emit in
// input order, each in a buffer that emit may keep. A record longer than
// maxRecordBytes is passed as a chunk with a reason instead. chunkBytes
// must not exceed maxRecordBytes.
func (s *csvSplitter) split(ctx context.Context, r io.Reader, emit func(csvChunk) error) error {
	buf := s.buffer(s.chunkBytes, nil)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if len(buf) == 0 {
				return nil
			}
			return emit(csvChunk{data: buf})
		}
		if err != nil {
			return err
		}
		end := s.lastRecordEnd(buf)
		switch {
		case end > 0:
			if err := emit(csvChunk{data: buf[:end]}); err != nil {
				return err
			}
			buf = s.buffer(s.nextSize(len(buf)-end), buf[end:])
		case len(buf) >= s.maxRecordBytes:
			rest, err := s.skipRecord(ctx, r, buf, emit)
			if err != nil {
				return err
			}
			buf = s.buffer(s.nextSize(len(rest)), rest)
		default:
			// One record fills the buffer: read on into a larger one.
			buf = s.buffer(min(2*cap(buf), s.maxRecordBytes), buf)
		}
	}
}

// nextSize returns the capacity of the next buffer when it starts with
// pending bytes of an unfinished record.
func (s *csvSplitter) nextSize(pending int) int {
	if pending > s.chunkBytes/2 {
		return min(2*pending, s.maxRecordBytes)
	}
	return s.chunkBytes
}

// buffer returns a buffer of capacity size that starts with a copy of
// keep. Buffers of the block size come from csvChunkBuffers.
func (s *csvSplitter) buffer(size int, keep []byte) []byte {
	var b []byte
	if size == s.chunkBytes {
		if p, ok := csvChunkBuffers.Get().(*[]byte); ok && cap(*p) == size {
			b = (*p)[:0]
		}
	}
	if b == nil {
		b = make([]byte, 0, size)
	}
	return append(b, keep...)
}

// recycle returns a parsed chunk's buffer to csvChunkBuffers.
func (s *csvSplitter) recycle(data []byte) {
	if cap(data) == s.chunkBytes {
		data = data[:0]
		csvChunkBuffers.Put(&data)
	}
}

// skipRecord handles the record at the start of buf, which fills buf
// without ending in it. When the input ends right after buf, the record
// is not longer than maxRecordBytes and is emitted as a chunk. Otherwise
// skipRecord reads past the record's end, emits it as a reject that keeps
// its first lineRawPrefix bytes, and returns the bytes read after it.
func (s *csvSplitter) skipRecord(ctx context.Context, r io.Reader, buf []byte, emit func(csvChunk) error) ([]byte, error) {
	m := &csvRecordScanner{delim: s.delim}
	m.scan(buf)
	size := int64(len(buf))
	block := make([]byte, s.chunkBytes)
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := r.Read(block)
		if err != nil && err != io.EOF {
			return nil, err
		}
		if n == 0 && err == io.EOF {
			if first {
				return nil, emit(csvChunk{data: buf})
			}
			break
		}
		if end := m.scan(block[:n]); end >= 0 {
			size += int64(end)
			reject := csvChunk{reason: csvTooLongReason(size, s.maxRecordBytes), raw: bytes.Clone(buf[:min(len(buf), lineRawPrefix)])}
			return bytes.Clone(block[end:n]), emit(reject)
		}
		size += int64(n)
	}
	return nil, emit(csvChunk{reason: csvTooLongReason(size, s.maxRecordBytes), raw: bytes.Clone(buf[:min(len(buf), lineRawPrefix)])})
}

// csvTooLongReason is the quarantine reason of an over-long record.
func csvTooLongReason(size int64, limit int) string {
	return fmt.Sprintf("record of %d bytes is longer than the %d-byte limit of a CSV record; "+
		"the raw value holds its first %d bytes", size, limit, lineRawPrefix)
}
