package extract

import (
	"bytes"
	"strconv"
	"strings"
)

// jsonPath is a dotted path such as "properties.account_id", split once.
type jsonPath struct {
	text  string
	parts []string
	// intern makes string values share one string per distinct text.
	intern bool
}

// internedColumns are the fact columns whose values repeat from record to
// record: accounts, users, workflows and the values of vocabularies.
var internedColumns = map[string]bool{
	"account_id": true, "user_id": true, "workflow": true, "event_type": true, "autonomy_level": true,
	"reviewer_id": true, "verdict": true, "failure_category": true, "incorporated_as": true,
	"provider": true, "service": true, "sku": true, "charge_category": true, "consumed_unit": true,
	"currency": true, "sub_account_id": true, "severity": true, "status": true,
}

// Limits of the strings a tape keeps for interning. The table starts over
// when it is full, and longer texts are not interned.
const (
	maxInternedStrings = 4096
	maxInternedBytes   = 64
)

// compilePaths splits the paths of every column.
func compilePaths(paths fieldPaths) map[string][]jsonPath {
	out := make(map[string][]jsonPath, len(paths))
	for column, list := range paths {
		compiled := make([]jsonPath, len(list))
		for k, p := range list {
			compiled[k] = jsonPath{text: p, parts: strings.Split(p, "."), intern: internedColumns[column]}
		}
		out[column] = compiled
	}
	return out
}

// internString returns b as a string, shared with earlier calls for the
// same text when it is at most maxInternedBytes long.
func (t *jsonTape) internString(b []byte) string {
	if len(b) > maxInternedBytes {
		return string(b)
	}
	if s, ok := t.interned[string(b)]; ok {
		return s
	}
	if t.interned == nil || len(t.interned) >= maxInternedStrings {
		t.interned = make(map[string]string)
	}
	s := string(b)
	t.interned[s] = s
	return s
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
	if path.intern && t.nodes[v].kind == tapeString {
		text := t.internString(bytes.TrimSpace(t.textOf(v)))
		return fieldValue{Text: text, Name: path.text, Found: text != ""}
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
	// derived are more columns that take their value from the format
	// instead of their paths. The slice is reused between records.
	derived []derivedField
}

// derivedField is a column value derived by the format.
type derivedField struct {
	column string
	value  fieldValue
}

// setComputed stores a value derived by the format unless the source
// configures its own field for the column, like jsonFields.setComputed.
func (f *tapeFields) setComputed(overrides map[string]string, column string, v fieldValue) {
	if _, ok := overrides[column]; ok {
		return
	}
	for k := range f.derived {
		if f.derived[k].column == column {
			f.derived[k].value = v
			return
		}
	}
	f.derived = append(f.derived, derivedField{column: column, value: v})
}

func (f *tapeFields) field(column string) fieldValue {
	if f.computedColumn != "" && column == f.computedColumn {
		return f.computed
	}
	for k := range f.derived {
		if f.derived[k].column == column {
			return f.derived[k].value
		}
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
