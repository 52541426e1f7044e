package extract

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// fieldByName is the reference for rowFields.field: it looks each input
// column of a fact column up by name in the header, in order.
func fieldByName(index map[string]int, paths fieldPaths, values []string, nulls []bool, nullText map[string]bool, column string) fieldValue {
	names := paths[column]
	for _, name := range names {
		i, ok := index[name]
		if !ok || i >= len(values) {
			continue
		}
		if nulls != nil && nulls[i] {
			continue
		}
		text := strings.TrimSpace(values[i])
		if text == "" || nullText[text] {
			continue
		}
		return fieldValue{Text: text, Name: name, Found: true}
	}
	if len(names) > 0 {
		return fieldValue{Name: names[0]}
	}
	return fieldValue{Name: column}
}

// TestRowFieldsMatchNameLookup compares rowFields with the name lookup on
// random headers, paths, rows and nulls, including short rows, absent
// input columns, fact columns without paths and null text.
func TestRowFieldsMatchNameLookup(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	names := []string{"a", "b", "c", "d", "e", "f"}
	texts := []string{"", " ", "x", " y ", "NULL", "7"}
	nullText := map[string]bool{"NULL": true}
	for round := range 2000 {
		header := make([]string, rng.IntN(len(names)+1))
		for i, k := range rng.Perm(len(names))[:len(header)] {
			header[i] = names[k]
		}
		h, err := newCSVHeader("f.csv", header)
		if err != nil {
			t.Fatal(err)
		}
		paths := fieldPaths{}
		for _, column := range []string{"one", "two", "three"} {
			if rng.IntN(4) == 0 {
				continue
			}
			for range 1 + rng.IntN(3) {
				paths[column] = append(paths[column], names[rng.IntN(len(names))])
			}
		}
		h.resolve(paths)
		values := make([]string, rng.IntN(len(header)+2))
		for i := range values {
			values[i] = texts[rng.IntN(len(texts))]
		}
		var nulls []bool
		if rng.IntN(2) == 0 {
			nulls = make([]bool, len(values))
			for i := range nulls {
				nulls[i] = rng.IntN(3) == 0
			}
		}
		row := &rowFields{columns: h.columns, values: values, nulls: nulls, nullText: nullText}
		for _, column := range []string{"one", "two", "three", "four"} {
			got := row.field(column)
			want := fieldByName(h.index, paths, values, nulls, nullText, column)
			if got != want {
				t.Fatalf("round %d: header %q paths %q values %q nulls %v: field(%s) = %+v, want %+v",
					round, header, paths, values, nulls, column, got, want)
			}
		}
	}
}
