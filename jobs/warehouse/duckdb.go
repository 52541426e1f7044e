// Package warehouse loads Parquet facts into the warehouse and keeps the
// tables, views and run records there.
package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	// The DuckDB driver registers itself as "duckdb".
	_ "github.com/duckdb/duckdb-go/v2"
)

// DuckDB is an embedded DuckDB warehouse in one database file.
type DuckDB struct {
	db   *sql.DB
	path string
}

// OpenDuckDB opens or creates the database file at path. DuckDB allows one
// writing process per file: a second process gets an error naming the
// holder of the lock.
func OpenDuckDB(ctx context.Context, path string) (*DuckDB, error) {
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, fmt.Errorf("open duckdb %s: %w", path, err)
	}
	// One connection keeps session settings (the UTC time zone) in force
	// for every statement.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		db.Close()
		return nil, fmt.Errorf("open duckdb %s: %w", path, err)
	}
	return &DuckDB{db: db, path: path}, nil
}

// DB returns the database handle for queries.
func (w *DuckDB) DB() *sql.DB { return w.db }

// Close closes the database.
func (w *DuckDB) Close() error { return w.db.Close() }

// Exec runs statements in order, each named for error messages.
func (w *DuckDB) Exec(ctx context.Context, stmts []Statement) error {
	for _, s := range stmts {
		if _, err := w.db.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			return fmt.Errorf("execute %s: %w", s.Name, err)
		}
	}
	return nil
}

// Statement is one named SQL statement with its bound arguments.
type Statement struct {
	Name string
	SQL  string
	Args []any
}

// TableLoad replaces partitions of one table with the rows of Parquet
// files. Rows of every source dated in Dates are deleted, rows of a source
// dated in SourceDates[source] are deleted, and then the rows of Files are
// inserted.
type TableLoad struct {
	Table       string
	Dates       []time.Time
	SourceDates map[string][]time.Time
	Files       []string
}

// Replace applies every load and the extra statements in one transaction,
// so readers see all of a run's partitions replaced or none of them.
func (w *DuckDB) Replace(ctx context.Context, loads []TableLoad, extra []Statement) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin load: %w", err)
	}
	defer tx.Rollback()
	for _, l := range loads {
		if err := replaceTable(ctx, tx, l); err != nil {
			return err
		}
	}
	for _, s := range extra {
		if _, err := tx.ExecContext(ctx, s.SQL, s.Args...); err != nil {
			return fmt.Errorf("execute %s: %w", s.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit load: %w", err)
	}
	return nil
}

func replaceTable(ctx context.Context, tx *sql.Tx, l TableLoad) error {
	if err := deleteDates(ctx, tx, l.Table, "", l.Dates); err != nil {
		return err
	}
	sources := make([]string, 0, len(l.SourceDates))
	for source := range l.SourceDates {
		sources = append(sources, source)
	}
	sort.Strings(sources)
	for _, source := range sources {
		if err := deleteDates(ctx, tx, l.Table, source, l.SourceDates[source]); err != nil {
			return err
		}
	}
	if len(l.Files) == 0 {
		return nil
	}
	quoted := make([]string, len(l.Files))
	for i, f := range l.Files {
		quoted[i] = quoteString(f)
	}
	ins := fmt.Sprintf("INSERT INTO %s BY NAME SELECT * FROM read_parquet([%s], hive_partitioning = false)",
		quoteIdent(l.Table), strings.Join(quoted, ", "))
	if _, err := tx.ExecContext(ctx, ins); err != nil {
		return fmt.Errorf("load %s from %d parquet files: %w", l.Table, len(l.Files), err)
	}
	return nil
}

// deleteDates deletes the rows of table dated in dates, only those of
// source when source is not empty.
func deleteDates(ctx context.Context, tx *sql.Tx, table, source string, dates []time.Time) error {
	if len(dates) == 0 {
		return nil
	}
	args := make([]any, 0, len(dates)+1)
	marks := make([]string, len(dates))
	for i, d := range dates {
		marks[i] = "CAST(? AS DATE)"
		args = append(args, d.Format(time.DateOnly))
	}
	query := fmt.Sprintf("DELETE FROM %s WHERE dt IN (%s)", quoteIdent(table), strings.Join(marks, ", "))
	if source != "" {
		query += " AND source = ?"
		args = append(args, source)
	}
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("delete %d partitions of %s (source %q) from %s to %s: %w", len(dates), table,
			source, dates[0].Format(time.DateOnly), dates[len(dates)-1].Format(time.DateOnly), err)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
