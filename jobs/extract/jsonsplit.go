package extract

import (
	"bytes"
	"io"
	"slices"
	"strings"
)

// Sizes of the window that splitJSON reads a stream through. The window
// grows to hold one element, and an element longer than maxSplitValue
// goes to walkJSON, which holds it in memory as it always did.
const (
	splitWindow   = 256 << 10
	maxSplitValue = MaxLineBytes
)

// scanStatus is the outcome of scanValue.
type scanStatus uint8

const (
	scanComplete scanStatus = iota // the value ends inside the window
	scanShort                      // the window ends inside the value
	scanRejected                   // the value is not one scanValue accepts
)

// jsonSplitter reads a stream through a window: buf[pos:] is read but not
// consumed, and fill keeps buf[keep:] in the window.
type jsonSplitter struct {
	r     io.Reader
	buf   []byte
	pos   int
	keep  int
	eof   bool
	arena lineArena
}

// splitJSON hands the records of a JSON stream to fn like walkJSON does,
// and returns the same error for the same input. It splits the elements
// of a top-level array, or of a record array that is the first member of
// a top-level object, by scanning bytes instead of running encoding/json.
// It stops at the first input it does not accept: invalid JSON, nesting
// deeper than maxTapeDepth, an element longer than maxSplitValue, the end
// of the array, or any other layout. It then hands the rest of the stream
// to walkJSON in the decoder state it has reached, so walkJSON reports
// every error and reads whatever follows the array.
func splitJSON(r io.Reader, layout jsonLayout, fn func(jsonRecord) error) error {
	s := &jsonSplitter{r: r, buf: make([]byte, 0, splitWindow)}
	prefix, err := s.split(layout, fn)
	if err != nil {
		return err
	}
	rest := io.MultiReader(strings.NewReader(prefix), bytes.NewReader(s.buf[s.pos:]), r)
	if strings.HasSuffix(prefix, "null") {
		// The null stands for the last element handed to fn, so that the
		// decoder expects a comma or the end of the array next.
		fn = skipFirstRecord(fn)
	}
	return walkJSON(rest, layout, fn)
}

func skipFirstRecord(fn func(jsonRecord) error) func(jsonRecord) error {
	skipped := false
	return func(rec jsonRecord) error {
		if !skipped {
			skipped = true
			return nil
		}
		return fn(rec)
	}
}

// split hands the array elements it accepts to fn. It returns the JSON
// text that puts a decoder reading it and then buf[pos:] into the state
// the stream was in at pos.
func (s *jsonSplitter) split(layout jsonLayout, fn func(jsonRecord) error) (string, error) {
	prefix, ok := s.openArray(layout)
	if !ok {
		return "", nil
	}
	for first := true; ; first = false {
		s.keep = s.pos
		if !first {
			// Elements after the first follow a comma, and the decoder
			// resumes before it, after a null in place of the last element.
			if !s.skipSpace() || s.buf[s.pos] != ',' {
				return prefix + "null", nil
			}
			s.pos++
		}
		value, ok := s.nextValue()
		if !ok {
			s.pos = s.keep
			if first {
				return prefix, nil
			}
			return prefix + "null", nil
		}
		if err := fn(jsonRecord{raw: s.arena.copy(value)}); err != nil {
			return "", err
		}
	}
}

// openArray consumes the opening of a top-level array, or of an object
// whose first member is a record array named by the layout, and returns
// the JSON text that opens the same array. It consumes nothing and
// reports false for any other stream.
func (s *jsonSplitter) openArray(layout jsonLayout) (string, bool) {
	if !s.skipSpace() {
		return "", false
	}
	switch s.buf[s.pos] {
	case '[':
		s.pos++
		return "[", true
	case '{':
	default:
		return "", false
	}
	if layout.siblings {
		return "", false
	}

	// The member key is taken only when its bytes are a name the layout
	// lists, so a key with escapes goes to walkJSON.
	s.keep = s.pos
	for s.pos+len(`{"":[`)+64 > len(s.buf) && s.fill() {
	}
	i := skipJSONSpace(s.buf, s.pos+1)
	if i >= len(s.buf) || s.buf[i] != '"' {
		return "", false
	}
	end := bytes.IndexByte(s.buf[i+1:], '"')
	if end < 0 {
		return "", false
	}
	key := string(s.buf[i+1 : i+1+end])
	if !slices.Contains(layout.arrays, key) {
		return "", false
	}
	i = skipJSONSpace(s.buf, i+end+2)
	if i >= len(s.buf) || s.buf[i] != ':' {
		return "", false
	}
	i = skipJSONSpace(s.buf, i+1)
	if i >= len(s.buf) || s.buf[i] != '[' {
		return "", false
	}

	s.pos = i + 1
	return `{"` + key + `":[`, true
}

// skipSpace consumes white space and reports whether a byte follows.
func (s *jsonSplitter) skipSpace() bool {
	for {
		s.pos = skipJSONSpace(s.buf, s.pos)
		if s.pos < len(s.buf) {
			return true
		}
		if !s.fill() {
			return false
		}
	}
}

// nextValue consumes the value after optional white space and returns its
// bytes, which stay valid until the next fill. It reports false, having
// consumed an unknown part, for a value scanValue does not accept.
func (s *jsonSplitter) nextValue() ([]byte, bool) {
	if !s.skipSpace() {
		return nil, false
	}
	for {
		end, status := scanValue(s.buf[s.pos:])
		switch status {
		case scanComplete:
			value := s.buf[s.pos : s.pos+end]
			s.pos += end
			return value, true
		case scanRejected:
			return nil, false
		}
		if !s.fill() {
			return nil, false
		}
	}
}

// fill moves buf[keep:] to the front of the window and reads more,
// growing the window when it is full. It reports false at the end of the
// stream, on a read error (which walkJSON then meets and reports), and
// when the window already holds maxSplitValue bytes from keep.
func (s *jsonSplitter) fill() bool {
	if s.eof || len(s.buf)-s.keep >= maxSplitValue {
		return false
	}
	if s.keep > 0 {
		n := copy(s.buf, s.buf[s.keep:])
		s.buf, s.pos, s.keep = s.buf[:n], s.pos-s.keep, 0
	}
	if len(s.buf) == cap(s.buf) {
		s.buf = slices.Grow(s.buf, cap(s.buf))
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err != nil {
		// A read error ends the scan here. walkJSON then reads on from
		// the same reader and reports the error that it returns.
		s.eof = true
	}
	return n > 0 || !s.eof
}

// scanValue returns the length of the JSON value at the start of b, which
// must not start with white space. It accepts the grammar encoding/json
// accepts, including invalid UTF-8 in strings, with nesting up to
// maxTapeDepth. A value that ends at the end of b, such as a number, is
// short, because more digits could follow.
func scanValue(b []byte) (int, scanStatus) {
	var stack []byte // '{' or '[' for each open container
	i := 0
	for {
		// A value starts at b[i].
		if i >= len(b) {
			return 0, scanShort
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			if len(stack) >= maxTapeDepth {
				return 0, scanRejected
			}
			stack = append(stack, c)
			i = skipJSONSpace(b, i+1)
			if i >= len(b) {
				return 0, scanShort
			}
			if b[i] == c+2 { // '}' and ']' follow '{' and '[' by two
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				var status scanStatus
				if i, status = scanKey(b, i); status != scanComplete {
					return 0, status
				}
			}
			continue
		case c == '"':
			n, status := scanString(b[i:])
			if status != scanComplete {
				return 0, status
			}
			i += n
		case c == '-' || (c >= '0' && c <= '9'):
			n, status := scanNumber(b[i:])
			if status != scanComplete {
				return 0, status
			}
			i += n
		case c == 't' || c == 'f' || c == 'n':
			n, status := scanLiteral(b[i:])
			if status != scanComplete {
				return 0, status
			}
			i += n
		default:
			return 0, scanRejected
		}
		// A value ends before b[i]: close containers until one has a
		// next element or the outermost value is done.
		for {
			if len(stack) == 0 {
				return i, scanComplete
			}
			i = skipJSONSpace(b, i)
			if i >= len(b) {
				return 0, scanShort
			}
			open := stack[len(stack)-1]
			if b[i] == open+2 {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			if b[i] != ',' {
				return 0, scanRejected
			}
			i = skipJSONSpace(b, i+1)
			if open == '{' {
				var status scanStatus
				if i, status = scanKey(b, i); status != scanComplete {
					return 0, status
				}
			}
			break
		}
	}
}

// scanKey consumes an object key, the colon and the white space around it,
// starting at b[i], and returns the offset of the member's value.
func scanKey(b []byte, i int) (int, scanStatus) {
	if i >= len(b) {
		return 0, scanShort
	}
	if b[i] != '"' {
		return 0, scanRejected
	}
	n, status := scanString(b[i:])
	if status != scanComplete {
		return 0, status
	}
	i = skipJSONSpace(b, i+n)
	if i >= len(b) {
		return 0, scanShort
	}
	if b[i] != ':' {
		return 0, scanRejected
	}
	i = skipJSONSpace(b, i+1)
	if i >= len(b) {
		return 0, scanShort
	}
	return i, scanComplete
}

// scanString returns the length of the string whose quote starts b.
func scanString(b []byte) (int, scanStatus) {
	for j := 1; ; {
		for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
			j++
		}
		if j >= len(b) {
			return 0, scanShort
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1, scanComplete
		case c == '\\':
			if len(b)-j < 6 && (len(b)-j < 2 || b[j+1] == 'u') {
				return 0, scanShort
			}
			n := escapeLen(b[j:])
			if n == 0 {
				return 0, scanRejected
			}
			j += n
		default:
			return 0, scanRejected // a control character
		}
	}
}

// scanNumber returns the length of the number that starts b, with the
// grammar of RFC 8259.
func scanNumber(b []byte) (int, scanStatus) {
	j := 0
	if b[0] == '-' {
		j++
	}
	switch {
	case j >= len(b):
		return 0, scanShort
	case b[j] == '0':
		j++
	case b[j] >= '1' && b[j] <= '9':
		j = skipDigits(b, j+1)
	default:
		return 0, scanRejected
	}
	if j < len(b) && b[j] == '.' {
		k := skipDigits(b, j+1)
		if k == j+1 {
			return 0, shortOrRejected(b, k)
		}
		j = k
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := skipDigits(b, j)
		if k == j {
			return 0, shortOrRejected(b, k)
		}
		j = k
	}
	if j >= len(b) {
		return 0, scanShort
	}
	return j, scanComplete
}

func shortOrRejected(b []byte, i int) scanStatus {
	if i >= len(b) {
		return scanShort
	}
	return scanRejected
}

// scanLiteral returns the length of the true, false or null that starts b.
func scanLiteral(b []byte) (int, scanStatus) {
	for _, word := range [...]string{"true", "false", "null"} {
		if word[0] != b[0] {
			continue
		}
		n := min(len(b), len(word))
		if string(b[:n]) != word[:n] {
			return 0, scanRejected
		}
		if n < len(word) {
			return 0, scanShort
		}
		return n, scanComplete
	}
	return 0, scanRejected
}
