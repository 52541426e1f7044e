package extract

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
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
	// out is scratch space for canonical encodings.
	out []byte
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

// tapeMember is one object member while appendCanonical sorts them.
type tapeMember struct {
	key   []byte
	value int32
	order int32
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

// jsonPath is a dotted path such as "properties.account_id", split once.
type jsonPath struct {
	text  string
	parts []string
}

// compilePaths splits the paths of every column.
func compilePaths(paths fieldPaths) map[string][]jsonPath {
	out := make(map[string][]jsonPath, len(paths))
	for column, list := range paths {
		compiled := make([]jsonPath, len(list))
		for k, p := range list {
			compiled[k] = jsonPath{text: p, parts: strings.Split(p, ".")}
		}
		out[column] = compiled
	}
	return out
}

// lookup walks path from node i the way lookup walks a decoded object.
// It returns -1 when the path is missing.
func (t *jsonTape) lookup(i int32, path []string) int32 {
	for _, part := range path {
		switch t.nodes[i].kind {
		case tapeObject:
			i = t.member(i, part)
		case tapeArray:
			index, err := strconv.Atoi(part)
			if err != nil {
				return -1
			}
			i = t.element(i, index)
		default:
			return -1
		}
		if i < 0 {
			return -1
		}
	}
	return i
}

// lookupText resolves path from node i and converts its value to text
// like lookupText does for a decoded object.
func (t *jsonTape) lookupText(i int32, path jsonPath) fieldValue {
	v := t.lookup(i, path.parts)
	if v < 0 {
		return fieldValue{Name: path.text}
	}
	text, number := t.jsonText(v)
	return fieldValue{Text: text, Name: path.text, Found: text != "", Number: number}
}

// jsonText converts node i to text like jsonText converts the decoded
// value: strings without surrounding white space, numbers as written,
// objects and arrays in json.Marshal's encoding.
func (t *jsonTape) jsonText(i int32) (text string, number bool) {
	n := &t.nodes[i]
	switch n.kind {
	case tapeNull:
		return "", false
	case tapeString:
		return string(bytes.TrimSpace(t.textOf(i))), false
	case tapeNumber:
		return string(t.raw[n.lo:n.hi]), true
	case tapeTrue:
		return "true", false
	case tapeFalse:
		return "false", false
	}
	t.out = t.appendCanonical(t.out[:0], i, nil)
	return string(t.out), false
}

// appendCanonical appends the json.Marshal encoding of node i: object
// keys sorted and unique (the last duplicate wins), no white space,
// numbers as written, and strings escaped as json.Marshal escapes them.
// Members of the top-level object whose key is in skip are left out.
func (t *jsonTape) appendCanonical(dst []byte, i int32, skip []string) []byte {
	n := &t.nodes[i]
	switch n.kind {
	case tapeNull:
		return append(dst, "null"...)
	case tapeFalse:
		return append(dst, "false"...)
	case tapeTrue:
		return append(dst, "true"...)
	case tapeNumber:
		return append(dst, t.raw[n.lo:n.hi]...)
	case tapeString:
		if n.flags&tapeVerbatim != 0 {
			dst = append(dst, '"')
			dst = append(dst, t.raw[n.lo:n.hi]...)
			return append(dst, '"')
		}
		return appendJSONString(dst, t.textOf(i))
	case tapeArray:
		dst = append(dst, '[')
		k := i + 1
		for e := range n.n {
			if e > 0 {
				dst = append(dst, ',')
			}
			dst = t.appendCanonical(dst, k, nil)
			k = t.nodes[k].next
		}
		return append(dst, ']')
	}
	return t.appendObject(dst, i, skip)
}

// appendObject appends object node i with its members sorted by key.
func (t *jsonTape) appendObject(dst []byte, i int32, skip []string) []byte {
	base := len(t.members)
	k := i + 1
	for m := range t.nodes[i].n {
		t.members = append(t.members, tapeMember{key: t.textOf(k), value: k + 1, order: m})
		k = t.nodes[k+1].next
	}
	members := t.members[base:]
	slices.SortFunc(members, func(a, b tapeMember) int {
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c
		}
		return int(a.order - b.order)
	})
	dst = append(dst, '{')
	first := true
	for m := base; m < len(t.members); m++ {
		member := t.members[m]
		if m+1 < len(t.members) && bytes.Equal(t.members[m+1].key, member.key) {
			continue // a later duplicate of this key wins
		}
		if isSkipped(skip, member.key) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		key := member.value - 1
		if t.nodes[key].flags&tapeVerbatim != 0 {
			dst = append(dst, '"')
			dst = append(dst, member.key...)
			dst = append(dst, '"')
		} else {
			dst = appendJSONString(dst, member.key)
		}
		dst = append(dst, ':')
		dst = t.appendCanonical(dst, member.value, nil)
	}
	t.members = t.members[:base]
	return append(dst, '}')
}

func isSkipped(skip []string, key []byte) bool {
	for _, s := range skip {
		if string(key) == s {
			return true
		}
	}
	return false
}

const lowerHex = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way json.Marshal does
// with HTML escaping on: '<', '>', '&', U+2028 and U+2029 as \u escapes,
// control characters as short or \u00XX escapes, and invalid UTF-8 bytes
// as \ufffd.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !stringNeedsCheck[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', lowerHex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// tapeFields resolves fact columns against an object on a tape, like
// jsonFields does against a decoded object.
type tapeFields struct {
	tape     *jsonTape
	root     int32
	paths    map[string][]jsonPath
	fallback map[string]any // members of a Segment batch around its events
	// computedColumn, when set, takes its value from computed instead of
	// its paths.
	computedColumn string
	computed       fieldValue
}

func (f *tapeFields) field(column string) fieldValue {
	if f.computedColumn != "" && column == f.computedColumn {
		return f.computed
	}
	paths := f.paths[column]
	for _, path := range paths {
		if v := f.tape.lookupText(f.root, path); v.Found {
			return v
		}
		if f.fallback != nil {
			if v := lookupText(f.fallback, path.text); v.Found {
				return v
			}
		}
	}
	name := column
	if len(paths) > 0 {
		name = paths[0].text
	}
	return fieldValue{Name: name}
}
