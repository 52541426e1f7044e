package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"cloud.google.com/go/bigquery"
	"cloud.google.com/go/civil"
	"google.golang.org/api/iterator"
)

// Query runs a query with each ? bound to the next argument as a
// positional query parameter, so no value is ever spliced into the SQL
// text. Unqualified table names, such as those of a custom_sql check,
// resolve in the warehouse's dataset.
func (w *BigQuery) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	q := w.client.Query(query)
	q.Location = w.cfg.Location
	q.DefaultProjectID, q.DefaultDatasetID = w.cfg.Project, w.cfg.Dataset
	for _, a := range args {
		q.Parameters = append(q.Parameters, bigquery.QueryParameter{Value: a})
	}
	it, err := q.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("bigquery query: %w", err)
	}
	return &bigQueryRows{it: it}, nil
}

// bigQueryRows adapts a RowIterator to Rows.
type bigQueryRows struct {
	it  *bigquery.RowIterator
	row []bigquery.Value
	err error
}

func (r *bigQueryRows) Next() bool {
	if r.err != nil {
		return false
	}
	r.row = nil
	err := r.it.Next(&r.row)
	if errors.Is(err, iterator.Done) {
		return false
	}
	if err != nil {
		r.err = err
		return false
	}
	return true
}

func (r *bigQueryRows) Err() error   { return r.err }
func (r *bigQueryRows) Close() error { return nil }

// Scan copies the columns of the current row into dest, converting the
// BigQuery values as database/sql does for the common types.
func (r *bigQueryRows) Scan(dest ...any) error {
	if len(dest) != len(r.row) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(r.row))
	}
	for i, d := range dest {
		if err := assign(d, driverValue(r.row[i])); err != nil {
			return fmt.Errorf("scan column %d: %w", i, err)
		}
	}
	return nil
}

// driverValue turns a BigQuery value into one of the types database/sql
// drivers return: NUMERIC and BIGNUMERIC become decimal text, DATE
// becomes YYYY-MM-DD text.
func driverValue(v bigquery.Value) any {
	switch x := v.(type) {
	case *big.Rat:
		return bigquery.BigNumericString(x)
	case civil.Date:
		return x.String()
	case civil.DateTime:
		return x.In(time.UTC)
	}
	return v
}

func assign(dest, v any) error {
	if s, ok := dest.(sql.Scanner); ok {
		return s.Scan(v)
	}
	switch d := dest.(type) {
	case *any:
		*d = v
		return nil
	case *string:
		if x, ok := v.(string); ok {
			*d = x
			return nil
		}
	case *int64:
		if x, ok := v.(int64); ok {
			*d = x
			return nil
		}
	case *int:
		if x, ok := v.(int64); ok {
			*d = int(x)
			return nil
		}
	case *float64:
		return assignFloat(d, v)
	case *bool:
		if x, ok := v.(bool); ok {
			*d = x
			return nil
		}
	case *time.Time:
		if x, ok := v.(time.Time); ok {
			*d = x
			return nil
		}
	}
	return fmt.Errorf("cannot store %T in %T", v, dest)
}

func assignFloat(d *float64, v any) error {
	switch x := v.(type) {
	case float64:
		*d = x
	case int64:
		*d = float64(x)
	default:
		return fmt.Errorf("cannot store %T in *float64", v)
	}
	return nil
}
