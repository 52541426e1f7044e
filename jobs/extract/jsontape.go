package extract

import (
	"bytes"
	"math"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonTape is one JSON object parsed into a flat list of nodes, for the
// readers that take a few fields of each record. Strings and numbers stay
// ranges of the input, so a tape builds no maps and, once its buffers have
// grown, parsing a record allocates nothing.
//
// parse accepts a subset of what decodeObject accepts and reports false
// for the rest: invalid JSON, a first value that is not an object, and
// nesting deeper than maxTapeDepth. Callers then use decodeObject, which
// names the error. For every object that parse accepts, the tape reads
// the same values as the map from decodeObject. The last of duplicate
// keys wins, escapes and invalid UTF-8 decode the same way, numbers keep
// their literal text, and bytes after the object are ignored.
// appendCanonical writes the bytes that json.Marshal writes for that map.
type jsonTape struct {
	raw   []byte
	nodes []tapeNode
	// text holds the decoded text of strings that have escapes or invalid
	// UTF-8. Other strings are read from raw.
	text []byte
	// members is scratch space of appendCanonical, used as a stack.
	members []tapeMember
	// orders keeps, for each object node below maxCachedOrders, the input
	// positions of its members in key order from an earlier record. The
	// records of one file tend to list members in one order, and checking
	// that order is cheaper than sorting.
	orders [][]int32
	// out is scratch space for canonical encodings.
	out []byte
	// interned maps texts to the strings that internString returned.
	interned map[string]string
	// fields is the field source of the record on the tape, kept here so
	// that each record does not allocate one.
	fields tapeFields
}

// maxTapeDepth is the deepest nesting parse accepts. Deeper records go to
// decodeObject, which accepts up to encoding/json's limit of 10000.
const maxTapeDepth = 1000

type tapeKind uint8

const (
	tapeNull tapeKind = iota
	tapeFalse
	tapeTrue
	tapeNumber
	tapeString
	tapeObject
	tapeArray
)

// Flags of a string node.
const (
	// tapeDecoded means the decoded text is text[lo:hi], not raw[lo:hi].
	tapeDecoded uint8 = 1 << iota
	// tapeVerbatim means json.Marshal writes the string as it is in the
	// input: no escapes, only ASCII, and no '<', '>' or '&'.
	tapeVerbatim
)

// tapeNode is one value. Object members follow their object node as key
// and value pairs, and array elements follow their array node.
type tapeNode struct {
	kind  tapeKind
	flags uint8
	// n is the number of members or elements of an object or array.
	n int32
	// next is the index of the first node after this value and its
	// members or elements.
	next int32
	// lo and hi delimit a string's decoded text (in raw or text, see
	// tapeDecoded) or a number's literal in raw.
	lo, hi int32
}

var tapePool = sync.Pool{New: func() any { return &jsonTape{} }}

// stringNeedsCheck marks the bytes that end the fast scan of a string:
// the closing quote, a backslash, control characters, bytes of non-ASCII
// UTF-8, and the characters json.Marshal escapes for HTML.
var stringNeedsCheck = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&'
	}
	return t
}()

// parse reads the object at the start of raw, after optional white space.
// It reports false when raw is not one it accepts (see jsonTape). The
// tape refers to raw until the next parse.
func (t *jsonTape) parse(raw []byte) bool {
	t.raw, t.nodes, t.text = raw, t.nodes[:0], t.text[:0]
	if len(raw) > math.MaxInt32 {
		return false
	}
	i := skipJSONSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	_, ok := t.value(i, 0)
	return ok
}

func skipJSONSpace(raw []byte, i int) int {
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value parses the value that starts at raw[i] and returns the offset
// after it.
func (t *jsonTape) value(i, depth int) (int, bool) {
	raw := t.raw
	if i >= len(raw) {
		return 0, false
	}
	switch c := raw[i]; {
	case c == '{':
		return t.object(i, depth)
	case c == '[':
		return t.array(i, depth)
	case c == '"':
		return t.str(i)
	case c == '-' || (c >= '0' && c <= '9'):
		return t.number(i)
	case c == 't':
		return t.literal(i, "true", tapeTrue)
	case c == 'f':
		return t.literal(i, "false", tapeFalse)
	case c == 'n':
		return t.literal(i, "null", tapeNull)
	}
	return 0, false
}

func (t *jsonTape) literal(i int, word string, kind tapeKind) (int, bool) {
	if !bytes.HasPrefix(t.raw[i:], []byte(word)) {
		return 0, false
	}
	t.nodes = append(t.nodes, tapeNode{kind: kind, next: int32(len(t.nodes) + 1)})
	return i + len(word), true
}

// object parses the object whose '{' is at raw[i].
func (t *jsonTape) object(i, depth int) (int, bool) {
	if depth >= maxTapeDepth {
		return 0, false
	}
	raw := t.raw
	at := len(t.nodes)
	t.nodes = append(t.nodes, tapeNode{kind: tapeObject})
	n := int32(0)
	i = skipJSONSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		i++
	} else {
		for {
			if i >= len(raw) || raw[i] != '"' {
				return 0, false
			}
			var ok bool
			if i, ok = t.str(i); !ok {
				return 0, false
			}
			i = skipJSONSpace(raw, i)
			if i >= len(raw) || raw[i] != ':' {
				return 0, false
			}
			if i, ok = t.value(skipJSONSpace(raw, i+1), depth+1); !ok {
				return 0, false
			}
			n++
			i = skipJSONSpace(raw, i)
			if i >= len(raw) {
				return 0, false
			}
			if raw[i] == '}' {
				i++
				break
			}
			if raw[i] != ',' {
				return 0, false
			}
			i = skipJSONSpace(raw, i+1)
		}
	}
	t.nodes[at].n = n
	t.nodes[at].next = int32(len(t.nodes))
	return i, true
}

// array parses the array whose '[' is at raw[i].
func (t *jsonTape) array(i, depth int) (int, bool) {
	if depth >= maxTapeDepth {
		return 0, false
	}
	raw := t.raw
	at := len(t.nodes)
	t.nodes = append(t.nodes, tapeNode{kind: tapeArray})
	n := int32(0)
	i = skipJSONSpace(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		i++
	} else {
		for {
			var ok bool
			if i, ok = t.value(i, depth+1); !ok {
				return 0, false
			}
			n++
			i = skipJSONSpace(raw, i)
			if i >= len(raw) {
				return 0, false
			}
			if raw[i] == ']' {
				i++
				break
			}
			if raw[i] != ',' {
				return 0, false
			}
			i = skipJSONSpace(raw, i+1)
		}
	}
	t.nodes[at].n = n
	t.nodes[at].next = int32(len(t.nodes))
	return i, true
}

// number parses the number that starts at raw[i], with the grammar of
// RFC 8259.
func (t *jsonTape) number(i int) (int, bool) {
	raw := t.raw
	j := i
	if raw[j] == '-' {
		j++
	}
	switch {
	case j < len(raw) && raw[j] == '0':
		j++
	case j < len(raw) && raw[j] >= '1' && raw[j] <= '9':
		j = skipDigits(raw, j+1)
	default:
		return 0, false
	}
	if j < len(raw) && raw[j] == '.' {
		k := skipDigits(raw, j+1)
		if k == j+1 {
			return 0, false
		}
		j = k
	}
	if j < len(raw) && (raw[j] == 'e' || raw[j] == 'E') {
		j++
		if j < len(raw) && (raw[j] == '+' || raw[j] == '-') {
			j++
		}
		k := skipDigits(raw, j)
		if k == j {
			return 0, false
		}
		j = k
	}
	t.nodes = append(t.nodes, tapeNode{kind: tapeNumber, next: int32(len(t.nodes) + 1), lo: int32(i), hi: int32(j)})
	return j, true
}

func skipDigits(raw []byte, j int) int {
	for j < len(raw) && raw[j] >= '0' && raw[j] <= '9' {
		j++
	}
	return j
}

// str parses the string whose opening quote is at raw[i].
func (t *jsonTape) str(i int) (int, bool) {
	raw := t.raw
	start := i + 1
	j := start
	escaped, nonASCII, html := false, false, false
	for {
		for j < len(raw) && !stringNeedsCheck[raw[j]] {
			j++
		}
		if j >= len(raw) {
			return 0, false
		}
		c := raw[j]
		if c == '"' {
			break
		}
		switch {
		case c == '\\':
			escaped = true
			n := escapeLen(raw[j:])
			if n == 0 {
				return 0, false
			}
			j += n
		case c < 0x20:
			return 0, false
		case c >= utf8.RuneSelf:
			nonASCII = true
			j++
		default:
			html = true
			j++
		}
	}
	node := tapeNode{kind: tapeString, next: int32(len(t.nodes) + 1), lo: int32(start), hi: int32(j)}
	switch {
	case escaped || (nonASCII && !utf8.Valid(raw[start:j])):
		lo := len(t.text)
		t.text = appendUnquoted(t.text, raw[start:j])
		if len(t.text) > math.MaxInt32 {
			return 0, false
		}
		node.flags = tapeDecoded
		node.lo, node.hi = int32(lo), int32(len(t.text))
	case !nonASCII && !html:
		node.flags = tapeVerbatim
	}
	t.nodes = append(t.nodes, node)
	return j + 1, true
}

// escapeLen returns the length of the valid escape sequence at the start
// of s, or 0.
func escapeLen(s []byte) int {
	if len(s) < 2 {
		return 0
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(s) < 6 {
			return 0
		}
		for _, c := range s[2:6] {
			if !isHexDigit(c) {
				return 0
			}
		}
		return 6
	}
	return 0
}

func isHexDigit(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// hexRune returns the code unit of a \uXXXX escape at the start of s, or
// -1 when s does not start with one.
func hexRune(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	r := rune(0)
	for _, c := range s[2:6] {
		switch {
		case c >= '0' && c <= '9':
			r = r*16 + rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r*16 + rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r*16 + rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}

// appendUnquoted appends the decoded text of a string body whose escapes
// str has checked. Like encoding/json, it replaces invalid UTF-8 bytes and
// unpaired UTF-16 surrogates with U+FFFD.
func appendUnquoted(dst, s []byte) []byte {
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch s[r+1] {
			case 'u':
				rr := hexRune(s[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if pair := utf16.DecodeRune(rr, hexRune(s[r:])); pair != unicode.ReplacementChar {
						dst = utf8.AppendRune(dst, pair)
						r += 6
						continue
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			default:
				dst = append(dst, s[r+1])
			}
			r += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			dst = utf8.AppendRune(dst, rr)
			r += size
		}
	}
	return dst
}

// textOf returns the decoded text of string node i.
func (t *jsonTape) textOf(i int32) []byte {
	n := &t.nodes[i]
	if n.flags&tapeDecoded != 0 {
		return t.text[n.lo:n.hi]
	}
	return t.raw[n.lo:n.hi]
}

// textIs reports whether node i is a string whose text without
// surrounding white space is want, as jsonText would return it.
func (t *jsonTape) textIs(i int32, want string) bool {
	return t.nodes[i].kind == tapeString && string(bytes.TrimSpace(t.textOf(i))) == want
}

// member returns the value of the last member named key of object node
// i, or -1.
func (t *jsonTape) member(i int32, key string) int32 {
	found := int32(-1)
	k := i + 1
	for range t.nodes[i].n {
		if string(t.textOf(k)) == key {
			found = k + 1
		}
		k = t.nodes[k+1].next
	}
	return found
}

// element returns element index of array node i, or -1.
func (t *jsonTape) element(i int32, index int) int32 {
	if index < 0 || index >= int(t.nodes[i].n) {
		return -1
	}
	k := i + 1
	for range index {
		k = t.nodes[k].next
	}
	return k
}
