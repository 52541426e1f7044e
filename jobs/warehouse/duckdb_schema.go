package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"evidencepack/config"
	evsql "evidencepack/sql"
	"evidencepack/transforms"
)

// ErrMigrationNeeded marks a warehouse whose tables differ from this
// version's in a way that only `evidencepack migrate` can fix: a column
// dropped, retyped or out of order. It wraps config.ErrInvalid, so the
// command exits with the invalid config code.
var ErrMigrationNeeded = fmt.Errorf("%w: the warehouse needs a migration", config.ErrInvalid)

// Column is one column of a DuckDB table with the type DuckDB reports in
// information_schema.columns, such as DECIMAL(38,18).
type Column struct {
	Name string
	Type string
}

// TableSchema is the columns of one table in their order.
type TableSchema struct {
	Name    string
	Columns []Column
}

// TableDiff is how one existing warehouse table differs from this
// version's definition.
type TableDiff struct {
	Table string
	// Added are columns of this version that the warehouse table lacks.
	// A run adds them with ALTER TABLE … ADD COLUMN.
	Added []Column
	// Breaking describes each difference that needs a rebuild: a column
	// dropped or retyped in this version, or a missing column that cannot
	// be appended because the table's rows are inserted by position.
	Breaking []string
}

// SchemaError lists the breaking differences of every table.
type SchemaError struct {
	Diffs []TableDiff
}

// Error returns one sentence per breaking difference.
func (e *SchemaError) Error() string {
	var msgs []string
	for _, d := range e.Diffs {
		for _, b := range d.Breaking {
			msgs = append(msgs, fmt.Sprintf("table %s: %s; run `evidencepack migrate --config FILE`", d.Table, b))
		}
	}
	return strings.Join(msgs, "; ")
}

// Unwrap returns ErrMigrationNeeded.
func (e *SchemaError) Unwrap() error { return ErrMigrationNeeded }

// CurrentSchemas returns the tables of this version, the runs table
// included, with the column types DuckDB gives them. It creates them in a
// private in-memory database and reads information_schema.columns there,
// so the types are spelled exactly as an existing warehouse reports them.
func CurrentSchemas(ctx context.Context) ([]TableSchema, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open in-memory duckdb: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	stmts, err := tableStatements()
	if err != nil {
		return nil, err
	}
	out := make([]TableSchema, 0, len(stmts))
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s.SQL); err != nil {
			return nil, fmt.Errorf("create table %s in memory: %w", s.Name, err)
		}
		cols, err := tableColumns(ctx, db, s.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, TableSchema{Name: s.Name, Columns: cols})
	}
	return out, nil
}

// tableStatements returns the CREATE TABLE IF NOT EXISTS statement of
// every table of this version.
func tableStatements() ([]Statement, error) {
	tables, err := evsql.Tables(evsql.DuckDB())
	if err != nil {
		return nil, err
	}
	stmts := make([]Statement, 0, len(tables)+1)
	for _, t := range tables {
		stmts = append(stmts, Statement{Name: t.Name, SQL: t.SQL})
	}
	return append(stmts, Statement{Name: "runs", SQL: runsTable}), nil
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// tableColumns returns the columns of a table of the main schema in their
// order; none when the table does not exist.
func tableColumns(ctx context.Context, q queryer, table string) ([]Column, error) {
	rows, err := q.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			return nil, fmt.Errorf("read the columns of %s: %w", table, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	return out, nil
}

// insertedByName reports whether every insert into table names its
// columns (INSERT … BY NAME), so a column appended at the end is as good
// as one in its declared place. The fact tables are loaded that way; the
// other tables get positional INSERT … VALUES.
func insertedByName(table string) bool {
	for _, t := range transforms.Tables {
		if t == table {
			return true
		}
	}
	return false
}

// diffTable compares the columns of an existing table with want.
func diffTable(want TableSchema, have []Column) TableDiff {
	d := TableDiff{Table: want.Name}
	wantType := map[string]string{}
	for _, c := range want.Columns {
		wantType[c.Name] = c.Type
	}
	haveType := map[string]string{}
	for _, c := range have {
		haveType[c.Name] = c.Type
		w, ok := wantType[c.Name]
		switch {
		case !ok:
			d.Breaking = append(d.Breaking, fmt.Sprintf(
				"column %s (%s) is in the warehouse but not in this version", c.Name, c.Type))
		case w != c.Type:
			d.Breaking = append(d.Breaking, fmt.Sprintf(
				"column %s is %s in the warehouse but %s in this version", c.Name, c.Type, w))
		}
	}
	// Appending the missing columns keeps the declared order only when
	// they all come after the last column the table has.
	lastKept := -1
	for i, c := range want.Columns {
		if _, ok := haveType[c.Name]; ok {
			lastKept = i
		}
	}
	for i, c := range want.Columns {
		if _, ok := haveType[c.Name]; ok {
			continue
		}
		if i < lastKept && !insertedByName(want.Name) {
			d.Breaking = append(d.Breaking, fmt.Sprintf(
				"column %s is missing from the warehouse and cannot be appended, because rows of %s are inserted by position",
				c.Name, want.Name))
			continue
		}
		d.Added = append(d.Added, c)
	}
	return d
}

// SchemaDiffs compares every existing table with this version's
// definition and returns the tables that differ. Tables that do not exist
// yet are left out: EnsureTables creates them.
func (w *DuckDB) SchemaDiffs(ctx context.Context) ([]TableDiff, error) {
	want, err := CurrentSchemas(ctx)
	if err != nil {
		return nil, err
	}
	var out []TableDiff
	for _, t := range want {
		have, err := tableColumns(ctx, w.db, t.Name)
		if err != nil {
			return nil, err
		}
		if len(have) == 0 {
			continue
		}
		if d := diffTable(t, have); len(d.Added) > 0 || len(d.Breaking) > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

// breakingOnly returns the diffs with a breaking difference.
func breakingOnly(diffs []TableDiff) []TableDiff {
	var out []TableDiff
	for _, d := range diffs {
		if len(d.Breaking) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// EnsureTables creates the missing tables, the runs table included, and
// adds the columns that existing tables lack. It changes nothing and
// returns a *SchemaError, which wraps ErrMigrationNeeded, when a table
// differs in a way only `evidencepack migrate` can fix.
func (w *DuckDB) EnsureTables(ctx context.Context) error {
	diffs, err := w.SchemaDiffs(ctx)
	if err != nil {
		return err
	}
	if b := breakingOnly(diffs); len(b) > 0 {
		return &SchemaError{Diffs: b}
	}
	stmts, err := tableStatements()
	if err != nil {
		return err
	}
	stmts = append(stmts, addColumnStatements(diffs)...)
	return w.inTransaction(ctx, "create tables", stmts)
}

// addColumnStatements returns one ALTER TABLE … ADD COLUMN per column
// that a table lacks.
func addColumnStatements(diffs []TableDiff) []Statement {
	var out []Statement
	for _, d := range diffs {
		for _, c := range d.Added {
			out = append(out, Statement{
				Name: fmt.Sprintf("add column %s.%s", d.Table, c.Name),
				SQL:  fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", quoteIdent(d.Table), quoteIdent(c.Name), c.Type),
			})
		}
	}
	return out
}

// inTransaction runs statements in one transaction named what.
func (w *DuckDB) inTransaction(ctx context.Context, what string, stmts []Statement) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin %s: %w", what, err)
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			return fmt.Errorf("execute %s: %w", s.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", what, err)
	}
	return nil
}

// IsSchemaError reports whether err is a warehouse that needs migrate.
func IsSchemaError(err error) bool { return errors.Is(err, ErrMigrationNeeded) }
