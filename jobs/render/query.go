package render

import (
	"context"
	"database/sql"

	evsql "evidencepack/sql"
)

// Querier runs a read-only query with positional ? parameters. SQLQuerier
// adapts a *sql.DB, and the warehouses of jobs/warehouse implement it.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (Rows, error)
}

// Rows iterates over query results in the manner of database/sql.Rows,
// which implements it. It is an alias of an unnamed interface, the same
// type as jobs/warehouse.Rows, so a warehouse's Query method satisfies
// Querier without either package importing the other.
type Rows = interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Source is a warehouse to read packs from: its queries and the dialect
// that qualifies the names of its views.
type Source struct {
	Querier Querier
	Dialect evsql.Dialect
}

// sqlContextQuerier is the query side of *sql.DB and *sql.Conn.
type sqlContextQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// sqlQuerier adapts *sql.DB or *sql.Conn to Querier.
type sqlQuerier struct{ db sqlContextQuerier }

func (q sqlQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// SQLQuerier returns db as a Querier.
func SQLQuerier(db *sql.DB) Querier { return sqlQuerier{db} }

// queryRow runs a query that returns one row and scans it into dest. It
// returns sql.ErrNoRows without a row, as sql.Row.Scan does.
func queryRow(ctx context.Context, q Querier, query string, args []any, dest ...any) error {
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
	return rows.Close()
}
