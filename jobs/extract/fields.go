package extract

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// fieldValue is one input value resolved for a fact column.
type fieldValue struct {
	Text   string // the value as text; JSON numbers keep every digit
	Name   string // the input column or JSON path, named in rejects
	Found  bool   // false when the field is missing, null or empty
	Number bool   // true when the value was a JSON number
}

// fieldSource resolves fact columns, such as "event_id", to input values
// of one record.
type fieldSource interface {
	field(column string) fieldValue
}

// fieldPaths maps fact columns to the input fields tried in order.
type fieldPaths map[string][]string

// withOverrides returns the default paths with each column named in
// overrides replaced by the single configured field.
func withOverrides(defaults fieldPaths, overrides map[string]string) fieldPaths {
	out := make(fieldPaths, len(defaults)+len(overrides))
	for column, paths := range defaults {
		out[column] = paths
	}
	for column, path := range overrides {
		out[column] = []string{path}
	}
	return out
}

// jsonFields resolves fact columns against a decoded JSON object. A
// computed value wins over the paths, and the fallback object (the members
// of a Segment batch around its events) is tried after the record itself.
type jsonFields struct {
	root     map[string]any
	fallback map[string]any
	paths    fieldPaths
	computed map[string]fieldValue
}

func (j *jsonFields) field(column string) fieldValue {
	if v, ok := j.computed[column]; ok {
		return v
	}
	paths := j.paths[column]
	for _, path := range paths {
		if v := lookupText(j.root, path); v.Found {
			return v
		}
		if j.fallback != nil {
			if v := lookupText(j.fallback, path); v.Found {
				return v
			}
		}
	}
	name := column
	if len(paths) > 0 {
		name = paths[0]
	}
	return fieldValue{Name: name}
}

// setComputed stores a value derived by the format unless the source
// configures its own field for the column.
func (j *jsonFields) setComputed(overrides map[string]string, column string, v fieldValue) {
	if _, ok := overrides[column]; ok {
		return
	}
	if j.computed == nil {
		j.computed = map[string]fieldValue{}
	}
	j.computed[column] = v
}

// lookup walks a dotted path such as "service.summary" or
// "acknowledgements.0.at" through nested objects and arrays.
func lookup(root map[string]any, path string) (any, bool) {
	var cur any = root
	for _, part := range strings.Split(path, ".") {
		switch node := cur.(type) {
		case map[string]any:
			next, ok := node[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// lookupText resolves path and converts its value to text. Null, empty
// strings and missing paths are not found.
func lookupText(root map[string]any, path string) fieldValue {
	v, ok := lookup(root, path)
	if !ok {
		return fieldValue{Name: path}
	}
	text, number := jsonText(v)
	return fieldValue{Text: text, Name: path, Found: text != "", Number: number}
}

// jsonText converts a decoded JSON value to text: strings as they are,
// numbers with every digit, objects and arrays as compact JSON.
func jsonText(v any) (text string, number bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return strings.TrimSpace(x), false
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), false
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "", false
		}
		return string(b), false
	}
}

// decodeObject decodes one JSON object, keeping numbers as json.Number so
// that integers past 2^53 keep every digit.
func decodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	return obj, nil
}

// rowColumns maps each fact column of a source to the positions of its
// input columns in one table header, so that rows are read without
// looking up input column names.
type rowColumns map[string]*rowColumn

// rowColumn is the header positions and names of the input columns of one
// fact column, in order of preference, and the name that a missing value
// is reported under: the first input column, present or not.
type rowColumn struct {
	positions []int
	names     []string
	absent    string
}

// newRowColumns resolves paths against a header's column positions.
func newRowColumns(index map[string]int, paths fieldPaths) rowColumns {
	out := make(rowColumns, len(paths))
	for column, names := range paths {
		c := &rowColumn{absent: column}
		if len(names) > 0 {
			c.absent = names[0]
		}
		for _, name := range names {
			if i, ok := index[name]; ok {
				c.positions = append(c.positions, i)
				c.names = append(c.names, name)
			}
		}
		out[column] = c
	}
	return out
}

// rowFields resolves fact columns against one row of a table (CSV or
// Parquet).
type rowFields struct {
	columns  rowColumns
	values   []string
	nulls    []bool          // per value, true for a Parquet null; nil for CSV
	nullText map[string]bool // cell texts read as null
}

func (r *rowFields) field(column string) fieldValue {
	c := r.columns[column]
	if c == nil {
		return fieldValue{Name: column}
	}
	for k, i := range c.positions {
		if i >= len(r.values) {
			continue
		}
		if r.nulls != nil && r.nulls[i] {
			continue
		}
		text := strings.TrimSpace(r.values[i])
		if text == "" || r.nullText[text] {
			continue
		}
		return fieldValue{Text: text, Name: c.names[k], Found: true}
	}
	return fieldValue{Name: c.absent}
}
