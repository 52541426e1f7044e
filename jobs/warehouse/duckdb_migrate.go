package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// MigrationStep is one change that Migrate made to the warehouse.
type MigrationStep struct {
	Table string
	// Action is "rebuilt", "added column" or "created".
	Action string
	// Detail names the column added, or the differences and the row
	// source of a rebuilt table.
	Detail string
}

// String formats the step as one line of output.
func (s MigrationStep) String() string {
	if s.Detail == "" {
		return fmt.Sprintf("table %s: %s", s.Table, s.Action)
	}
	return fmt.Sprintf("table %s: %s %s", s.Table, s.Action, s.Detail)
}

// Migrate brings every table to this version's definition. A table with a
// breaking difference is rebuilt in one transaction of its own: a new
// table is created with the current columns and filled, the old one is
// renamed away, the new one takes its name and the old one is dropped. A
// fact table is filled from its Parquet files under factsDir when it has
// any, and otherwise, like every other table, from its old rows with each
// column cast to its current type. Columns this version no longer has are
// left behind. Then missing tables are created and missing columns added,
// as a run does. Migrate returns no steps when nothing differs.
func (w *DuckDB) Migrate(ctx context.Context, factsDir string) ([]MigrationStep, error) {
	want, err := CurrentSchemas(ctx)
	if err != nil {
		return nil, err
	}
	var steps []MigrationStep
	for _, t := range want {
		have, err := tableColumns(ctx, w.db, t.Name)
		if err != nil {
			return steps, err
		}
		if len(have) == 0 {
			steps = append(steps, MigrationStep{Table: t.Name, Action: "created"})
			continue
		}
		d := diffTable(t, have)
		if len(d.Breaking) == 0 {
			for _, c := range d.Added {
				steps = append(steps, MigrationStep{Table: t.Name, Action: "added column",
					Detail: c.Name + " " + c.Type})
			}
			continue
		}
		from, err := w.rebuildTable(ctx, t, factsDir)
		if err != nil {
			return steps, err
		}
		steps = append(steps, MigrationStep{Table: t.Name, Action: "rebuilt",
			Detail: fmt.Sprintf("from %s (%s)", from, strings.Join(d.Breaking, "; "))})
	}
	if err := w.EnsureTables(ctx); err != nil {
		return steps, err
	}
	return steps, nil
}

// rebuildTable replaces table t with a new table of the current columns
// in one transaction and returns where its rows came from.
func (w *DuckDB) rebuildTable(ctx context.Context, t TableSchema, factsDir string) (string, error) {
	source, origin, err := rowSource(t.Name, factsDir)
	if err != nil {
		return "", err
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("begin rebuild of %s: %w", t.Name, err)
	}
	defer tx.Rollback()
	fresh, old := t.Name+"__migrate_new", t.Name+"__migrate_old"
	defs := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		defs[i] = quoteIdent(c.Name) + " " + c.Type
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", quoteIdent(fresh),
		strings.Join(defs, ", "))); err != nil {
		return "", fmt.Errorf("create the new %s: %w", t.Name, err)
	}
	insert, err := castInsert(ctx, tx, t, fresh, source)
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, insert); err != nil {
		return "", fmt.Errorf("copy the rows of %s from %s: %w", t.Name, origin, err)
	}
	for _, q := range []string{
		fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quoteIdent(t.Name), quoteIdent(old)),
		fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quoteIdent(fresh), quoteIdent(t.Name)),
		fmt.Sprintf("DROP TABLE %s", quoteIdent(old)),
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return "", fmt.Errorf("swap the rebuilt %s in: %s: %w", t.Name, q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("commit rebuild of %s: %w", t.Name, err)
	}
	return origin, nil
}

// rowSource returns the relation a rebuilt table is filled from and a
// description of it: the table's Parquet facts for a fact table with any,
// its old rows otherwise.
func rowSource(table, factsDir string) (string, string, error) {
	if insertedByName(table) && factsDir != "" {
		pattern := filepath.Join(factsDir, table, "dt=*", "part-*.parquet")
		files, err := filepath.Glob(pattern)
		if err != nil {
			return "", "", fmt.Errorf("list the Parquet facts of %s: %w", table, err)
		}
		if len(files) > 0 {
			rel := fmt.Sprintf("read_parquet(%s, hive_partitioning = false, union_by_name = true)",
				quoteString(pattern))
			return rel, fmt.Sprintf("%d Parquet files under %s", len(files), filepath.Join(factsDir, table)), nil
		}
		if _, err := os.Stat(factsDir); err != nil && !os.IsNotExist(err) {
			return "", "", fmt.Errorf("read the Parquet facts of %s: %w", table, err)
		}
	}
	return quoteIdent(table), "its old rows", nil
}

// castInsert returns the INSERT that copies the columns that source and
// the current table share into fresh, each cast to its current type.
func castInsert(ctx context.Context, tx *sql.Tx, t TableSchema, fresh, source string) (string, error) {
	rows, err := tx.QueryContext(ctx, "DESCRIBE SELECT * FROM "+source)
	if err != nil {
		return "", fmt.Errorf("describe the rows of %s: %w", t.Name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	present := map[string]bool{}
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", fmt.Errorf("describe the rows of %s: %w", t.Name, err)
		}
		// The first column of DESCRIBE is column_name.
		present[fmt.Sprint(values[0])] = true
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("describe the rows of %s: %w", t.Name, err)
	}
	var names, exprs []string
	for _, c := range t.Columns {
		if !present[c.Name] {
			continue
		}
		names = append(names, quoteIdent(c.Name))
		exprs = append(exprs, fmt.Sprintf("CAST(%s AS %s)", quoteIdent(c.Name), c.Type))
	}
	if len(names) == 0 {
		return "", fmt.Errorf("rebuild %s: the rows share no column with this version", t.Name)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s", quoteIdent(fresh),
		strings.Join(names, ", "), strings.Join(exprs, ", "), source), nil
}
