package sql

//go:generate go run ./cmd/gendictionary -o ../docs/data-dictionary.md

import (
	"bytes"
	"context"
	gosql "database/sql"
	"errors"
	"fmt"
	"strings"
)

// headerDoc is the documentation of one table or view, parsed from the
// comment lines at the top of its SQL file:
//
//	-- name: what one row is and the rules that shape it.
//	-- Grain: one row per ...
//	-- Columns:
//	--   col_a, col_b  meaning of each of them
//	--                 continued on deeper-indented lines
//	--   col_c         as in periods
//
// An entry line is indented by two spaces after "-- " and separates the
// column names from the meaning by two or more spaces. A list of names
// that ends with a comma goes on in the next entry line. A meaning that is
// exactly "as in NAME" is taken from the same column of table or view NAME.
type headerDoc struct {
	Summary string
	Grain   string
	Columns map[string]string
	order   []string
	// namesOpen is set while a list of names ends with a comma.
	namesOpen bool
}

// column is one column of a table or view as the database reports it.
type column struct {
	Name, Type, Meaning string
}

// relation is a documented table or view.
type relation struct {
	Name, Kind string // kind is "table" or "view"
	Doc        headerDoc
	Columns    []column
}

// parseHeader parses the leading comment lines of a SQL file.
func parseHeader(name, text string) (headerDoc, error) {
	doc := headerDoc{Columns: map[string]string{}}
	var summary, grain []string
	section, last := "summary", []string(nil)
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "--") {
			break
		}
		body := strings.TrimPrefix(strings.TrimPrefix(line, "--"), " ")
		switch {
		case strings.HasPrefix(body, "Grain:"):
			section, body = "grain", strings.TrimPrefix(body, "Grain:")
		case strings.HasPrefix(body, "Columns:"):
			section, body = "columns", strings.TrimPrefix(body, "Columns:")
		}
		var err error
		switch section {
		case "summary":
			summary = append(summary, body)
		case "grain":
			grain = append(grain, body)
		case "columns":
			last, err = doc.addColumnLine(name, body, last)
		}
		if err != nil {
			return doc, err
		}
	}
	doc.Summary = strings.TrimPrefix(joinWords(summary), name+": ")
	doc.Grain = joinWords(grain)
	return doc, nil
}

// addColumnLine reads one line of the Columns section. last are the names
// of the entry that a continuation line extends.
func (d *headerDoc) addColumnLine(name, body string, last []string) ([]string, error) {
	if strings.TrimSpace(body) == "" {
		return last, nil
	}
	if !strings.HasPrefix(body, "  ") || strings.HasPrefix(body, "   ") {
		if last == nil {
			return nil, fmt.Errorf("%s: column comment %q comes before any column entry", name, body)
		}
		for _, n := range last {
			d.Columns[n] = joinWords([]string{d.Columns[n], body})
		}
		return last, nil
	}
	names, meaning, _ := strings.Cut(strings.TrimSpace(body), "  ")
	var entry []string
	if d.namesOpen {
		entry = last
	}
	d.namesOpen = strings.HasSuffix(names, ",") && meaning == ""
	for _, n := range strings.Split(strings.TrimSuffix(names, ","), ",") {
		n = strings.TrimSpace(n)
		if !isIdentifier(n) {
			return nil, fmt.Errorf("%s: %q in the Columns comment is not a column name", name, n)
		}
		if _, dup := d.Columns[n]; dup {
			return nil, fmt.Errorf("%s: column %s is documented twice", name, n)
		}
		d.order = append(d.order, n)
		entry = append(entry, n)
	}
	for _, n := range entry {
		d.Columns[n] = strings.TrimSpace(meaning)
	}
	return entry, nil
}

func joinWords(parts []string) string {
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// Dictionary returns the data dictionary in Markdown: every table and view
// of the DuckDB dialect with its summary, grain and columns. Names and
// types come from db, which must hold the tables and views (see Apply), and
// meanings from the header comments. It fails when a column has no
// meaning or a comment names a column that does not exist.
func Dictionary(ctx context.Context, db *gosql.DB) ([]byte, error) {
	relations, err := documentedRelations(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := resolveMeanings(relations); err != nil {
		return nil, err
	}
	return renderDictionary(relations), nil
}

func documentedRelations(ctx context.Context, db *gosql.DB) ([]*relation, error) {
	var out []*relation
	for _, kind := range []string{"table", "view"} {
		stmts, err := renderDir(DuckDB(), kind+"s")
		if err != nil {
			return nil, err
		}
		for _, st := range stmts {
			doc, err := parseHeader(st.Name, st.SQL)
			if err != nil {
				return nil, err
			}
			cols, err := describe(ctx, db, st.Name)
			if err != nil {
				return nil, err
			}
			out = append(out, &relation{Name: st.Name, Kind: kind, Doc: doc, Columns: cols})
		}
	}
	return out, nil
}

const describeQuery = `SELECT column_name, data_type FROM information_schema.columns
WHERE table_name = ? ORDER BY ordinal_position`

func describe(ctx context.Context, db *gosql.DB, name string) ([]column, error) {
	rows, err := db.QueryContext(ctx, describeQuery, name)
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", name, err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			return nil, fmt.Errorf("describe %s: %w", name, err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("describe %s: %w", name, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("describe %s: not found in the database; create the tables and views first", name)
	}
	return cols, nil
}

// resolveMeanings sets the meaning of every column and collects every
// column without one and every documented name that is not a column.
func resolveMeanings(relations []*relation) error {
	byName := map[string]*relation{}
	for _, r := range relations {
		byName[r.Name] = r
	}
	var errs []error
	for _, r := range relations {
		present := map[string]bool{}
		for i := range r.Columns {
			c := &r.Columns[i]
			present[c.Name] = true
			c.Meaning = meaningOf(byName, r, c.Name)
			if c.Meaning == "" {
				errs = append(errs, fmt.Errorf("%s %s: column %s has no meaning in the header comment", r.Kind, r.Name, c.Name))
			}
		}
		for _, n := range r.Doc.order {
			if !present[n] {
				errs = append(errs, fmt.Errorf("%s %s: the header comment documents %s, which is not a column", r.Kind, r.Name, n))
			}
		}
	}
	return errors.Join(errs...)
}

// meaningOf returns the documented meaning of a column. A meaning "as in
// NAME", optionally followed by a comma and a remark, is replaced by the
// meaning of the same column in NAME with the remark added. References
// are followed up to four levels.
func meaningOf(byName map[string]*relation, r *relation, col string) string {
	var remarks []string
	for range 4 {
		meaning := r.Doc.Columns[col]
		rest, ok := strings.CutPrefix(meaning, "as in ")
		target, remark, _ := strings.Cut(rest, ",")
		if !ok || byName[target] == nil {
			return strings.Join(append([]string{meaning}, remarks...), ",")
		}
		if remark != "" {
			remarks = append(remarks, remark)
		}
		r = byName[target]
	}
	return ""
}

func renderDictionary(relations []*relation) []byte {
	var b bytes.Buffer
	b.WriteString(dictionaryIntro)
	for _, kind := range []string{"table", "view"} {
		fmt.Fprintf(&b, "\n## %ss\n", strings.ToUpper(kind[:1])+kind[1:])
		for _, r := range relations {
			if r.Kind == kind {
				writeRelation(&b, r)
			}
		}
	}
	return b.Bytes()
}

const dictionaryIntro = `# Data dictionary

<!-- Generated by ` + "`make dictionary`" + ` from sql/tables/*.sql and sql/views/*.sql. Do not edit. -->

Every table and view that a run creates in the warehouse, in the order
they are created. Column names and types are what DuckDB reports; in
BigQuery VARCHAR is STRING, DOUBLE is FLOAT64, INTEGER and BIGINT are
INT64, BOOLEAN is BOOL and DECIMAL(38,18) is BIGNUMERIC(38,18). The fact
tables are partitioned by dt and clustered by account_id in BigQuery. The
views compute every figure of the evidence packs; a view with the columns
grain and period has one row set per month (grain 'month') and one per
quarter (grain 'quarter'). The runs table, which records every run, is
described in the README.
`

func writeRelation(b *bytes.Buffer, r *relation) {
	summary := r.Doc.Summary
	if summary != "" {
		summary = strings.ToUpper(summary[:1]) + summary[1:]
	}
	fmt.Fprintf(b, "\n### %s\n\n%s\n", r.Name, summary)
	if r.Doc.Grain != "" {
		fmt.Fprintf(b, "\nGrain: %s\n", r.Doc.Grain)
	}
	b.WriteString("\n| column | type | meaning |\n|---|---|---|\n")
	for _, c := range r.Columns {
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", c.Name, c.Type, strings.ReplaceAll(c.Meaning, "|", `\|`))
	}
}
