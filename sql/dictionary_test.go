package sql

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// dictionaryFile is the committed data dictionary, relative to this
// package.
const dictionaryFile = "../docs/data-dictionary.md"

func TestDictionaryUpToDate(t *testing.T) {
	db := openDuckDB(t)
	got, err := Dictionary(context.Background(), db)
	if err != nil {
		t.Fatalf("build dictionary: %v", err)
	}
	want, err := os.ReadFile(dictionaryFile)
	if err != nil {
		t.Fatalf("read %s (run make dictionary): %v", dictionaryFile, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with the SQL files: run make dictionary", dictionaryFile)
	}
}

func TestDictionaryCoversEveryRelation(t *testing.T) {
	db := openDuckDB(t)
	got, err := Dictionary(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"tables", "views"} {
		stmts, err := renderDir(DuckDB(), dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stmts {
			if !strings.Contains(string(got), "\n### "+st.Name+"\n") {
				t.Errorf("dictionary has no section for %s", st.Name)
			}
		}
	}
	if !strings.Contains(string(got), "| `learning_permitted` | BOOLEAN |") {
		t.Error("dictionary does not list accounts.learning_permitted as BOOLEAN")
	}
}

func TestParseHeaderColumns(t *testing.T) {
	text := `-- things: one row per thing.
-- Grain: one row per thing
--   and day.
-- Columns:
--   a, b  shared meaning
--         continued
--   c,
--   d     as in others, per day
--   e
--       meaning below
CREATE VIEW things AS SELECT 1`
	doc, err := parseHeader("things", text)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Summary != "one row per thing." {
		t.Errorf("summary = %q", doc.Summary)
	}
	if doc.Grain != "one row per thing and day." {
		t.Errorf("grain = %q", doc.Grain)
	}
	want := map[string]string{
		"a": "shared meaning continued", "b": "shared meaning continued",
		"c": "as in others, per day", "d": "as in others, per day", "e": "meaning below",
	}
	for name, meaning := range want {
		if doc.Columns[name] != meaning {
			t.Errorf("column %s meaning = %q, want %q", name, doc.Columns[name], meaning)
		}
	}
}

func TestParseHeaderRejectsBadNames(t *testing.T) {
	cases := map[string]string{
		"range":     "-- x: y\n-- Columns:\n--   a .. b  meaning\n",
		"duplicate": "-- x: y\n-- Columns:\n--   a  one\n--   a  two\n",
		"orphan":    "-- x: y\n-- Columns:\n--      text before any entry\n",
	}
	for name, text := range cases {
		if _, err := parseHeader("x", text); err == nil {
			t.Errorf("%s: parseHeader accepted %q", name, text)
		}
	}
}

func TestResolveMeaningsReportsGaps(t *testing.T) {
	rel := &relation{Name: "t", Kind: "table",
		Doc:     headerDoc{Columns: map[string]string{"a": "meaning", "ghost": "gone"}, order: []string{"a", "ghost"}},
		Columns: []column{{Name: "a", Type: "VARCHAR"}, {Name: "b", Type: "VARCHAR"}}}
	err := resolveMeanings([]*relation{rel})
	if err == nil {
		t.Fatal("resolveMeanings accepted an undocumented column")
	}
	for _, want := range []string{"column b has no meaning", "documents ghost, which is not a column"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
