package render

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
)

// materializedViews are the views that several pack queries, or one view
// several times, read. They are listed so that each one comes after the
// views it reads. perAccount is false for views without an account_id.
var materializedViews = []struct {
	name       string
	perAccount bool
}{
	{"periods", false},
	{"usage_event_periods", true},
	{"review_label_periods", true},
	{"cost_line_periods", true},
	{"incident_periods", true},
	{"account_periods", true},
	{"resolved_cases", true},
	{"reviewed_cases", true},
	{"cost_by_currency", true},
	{"incident_metrics", true},
	{"workflow_metrics", true},
	{"account_metrics", true},
}

// materializeViews copies each of materializedViews into a TEMP table of
// the same name on conn, holding only the rows of the period and of the
// months inside it, and of the requested accounts when accounts is not
// nil. DuckDB resolves a table name in the temp catalog before the
// database's own schema, also inside view bodies. So every later query on
// conn, and every view it reads, reads the TEMP tables. Each heavy view is
// computed once per period instead of once per query that reads it.
//
// The rows of a (grain, period) in the views depend only on rows of the
// same period or of its months, which the copies keep. drop removes the
// TEMP tables, and closes the connection instead when it cannot, so that
// no other user of the pool reads them. Call drop also when err is set.
func materializeViews(ctx context.Context, conn *sql.Conn, per Period, accounts []string) (drop func(), err error) {
	var created []string
	drop = func() { dropTempTables(conn, created) }
	var catalog string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&catalog); err != nil {
		return drop, fmt.Errorf("query current database: %w", err)
	}
	start, end := per.Start.Format("2006-01-02 15:04:05"), per.End.Format("2006-01-02 15:04:05")
	for _, v := range materializedViews {
		query := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS SELECT * FROM %s.main.%s
WHERE period_start >= CAST(? AS TIMESTAMP) AND period_end <= CAST(? AS TIMESTAMP)`,
			quoteIdent(v.name), quoteIdent(catalog), quoteIdent(v.name))
		args := []any{start, end}
		if v.perAccount && accounts != nil {
			query += " AND account_id IN (SELECT unnest(?))"
			args = append(args, accounts)
		}
		created = append(created, v.name)
		if _, err := conn.ExecContext(ctx, query, args...); err != nil {
			return drop, fmt.Errorf("materialize view %s for %s: %w", v.name, per.Label, err)
		}
	}
	return drop, nil
}

// dropTempTables drops the TEMP tables of materializeViews, newest first,
// even when the render was cancelled. On a failure it marks the
// connection bad, so database/sql closes it and its TEMP tables with it.
func dropTempTables(conn *sql.Conn, names []string) {
	ctx := context.Background()
	for i := len(names) - 1; i >= 0; i-- {
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS temp.main."+quoteIdent(names[i])); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			return
		}
	}
}

// quoteIdent quotes a DuckDB identifier. The names here are constants or
// the database name, never data values.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
