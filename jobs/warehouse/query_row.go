package warehouse

import (
	"context"
	"database/sql"
)

// SQLQuerier adapts a database/sql handle, such as a DuckDB file opened
// read-only, to Querier.
type SQLQuerier struct {
	DB *sql.DB
}

// Query runs query on the database.
func (q SQLQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	return q.DB.QueryContext(ctx, query, args...)
}

// QueryRow runs query and scans its first row into dest, in the manner of
// sql.DB.QueryRowContext. It returns sql.ErrNoRows when the query returns
// no row, and closes the rows before it returns, so a DuckDB handle with
// one connection is free for the next query.
func QueryRow(ctx context.Context, q Querier, query string, args []any, dest ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}
