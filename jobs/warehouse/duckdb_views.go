package warehouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// viewsCommentPrefix starts the comment that the load sets on every view.
const viewsCommentPrefix = "evidencepack views sha256 "

// viewStatements returns the statements that bring the views up to date.
// It returns none when every view carries the comment of these statements
// over the current table columns. Otherwise it returns every view
// statement, then a COMMENT ON VIEW for each. Binding the views took 0.06
// to 0.2 s on the demo warehouse, more than replacing one day of facts, so
// a nightly run skips it when nothing changed. All views are created again
// when any one differs, so the comment always marks a set of views created
// together by one version over the same tables. CREATE OR REPLACE VIEW by
// hand drops the comment, so the next load creates the views again.
func (w *DuckDB) viewStatements(ctx context.Context, views []Statement) ([]Statement, error) {
	if len(views) == 0 {
		return nil, nil
	}
	comment, err := w.viewsComment(ctx, views)
	if err != nil {
		return nil, err
	}
	current, err := w.viewComments(ctx)
	if err != nil {
		return nil, err
	}
	upToDate := true
	for _, v := range views {
		if current[v.Name] != comment {
			upToDate = false
			break
		}
	}
	if upToDate {
		return nil, nil
	}
	stmts := append([]Statement(nil), views...)
	for _, v := range views {
		stmts = append(stmts, Statement{Name: "comment on view " + v.Name,
			SQL: fmt.Sprintf("COMMENT ON VIEW %s IS %s", quoteIdent(v.Name), quoteString(comment))})
	}
	return stmts, nil
}

// viewsComment returns the comment that marks views created by views over
// the current columns of every table of the main schema.
func (w *DuckDB) viewsComment(ctx context.Context, views []Statement) (string, error) {
	h := sha256.New()
	for _, v := range views {
		fmt.Fprintf(h, "view %s\n%s\n", v.Name, v.SQL)
	}
	rows, err := w.db.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns AS c
		JOIN information_schema.tables AS t
		  ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE t.table_type = 'BASE TABLE' AND t.table_schema = 'main' AND t.table_catalog = current_database()
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return "", fmt.Errorf("read table columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, column, typ string
		if err := rows.Scan(&table, &column, &typ); err != nil {
			return "", fmt.Errorf("read table columns: %w", err)
		}
		fmt.Fprintf(h, "column %s.%s %s\n", table, column, typ)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("read table columns: %w", err)
	}
	return viewsCommentPrefix + hex.EncodeToString(h.Sum(nil)), nil
}

// viewComments returns the comment of each view of the main schema, empty
// for a view without one.
func (w *DuckDB) viewComments(ctx context.Context) (map[string]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT view_name, COALESCE(comment, '') FROM duckdb_views()
		WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal`)
	if err != nil {
		return nil, fmt.Errorf("read view comments: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, comment string
		if err := rows.Scan(&name, &comment); err != nil {
			return nil, fmt.Errorf("read view comments: %w", err)
		}
		out[name] = comment
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read view comments: %w", err)
	}
	return out, nil
}
