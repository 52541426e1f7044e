package checks

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"evidencepack/jobs/warehouse"
)

// sampleRows runs query and returns its rows as a JSON array of objects
// keyed by column name. Timestamps are RFC 3339 in UTC and other values
// without a JSON form, such as decimals, are their text.
func sampleRows(ctx context.Context, q warehouse.Querier, query string, args []any) (json.RawMessage, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names, types []string
	var out []orderedRow
	for rows.Next() {
		if names == nil {
			// BigQuery sends the column names with the first row.
			if names, types, err = columnsOf(rows); err != nil {
				return nil, err
			}
		}
		values := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make(orderedRow, len(names))
		for i, name := range names {
			row[i] = column{name, jsonValue(values[i], types[i])}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// columnsOf returns the column names of rows and their database type
// names. The types are empty for BigQuery, whose DATE values are already
// YYYY-MM-DD text.
func columnsOf(rows warehouse.Rows) (names, types []string, err error) {
	switch r := rows.(type) {
	case interface {
		ColumnTypes() ([]*sql.ColumnType, error)
	}:
		cts, err := r.ColumnTypes()
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cts {
			names = append(names, c.Name())
			types = append(types, c.DatabaseTypeName())
		}
		return names, types, nil
	case interface{ Columns() ([]string, error) }:
		names, err := r.Columns()
		return names, make([]string, len(names)), err
	}
	return nil, nil, fmt.Errorf("rows of type %T do not report their columns", rows)
}

func jsonValue(v any, dbType string) any {
	switch x := v.(type) {
	case nil, bool, string, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64:
		return x
	case time.Time:
		if dbType == "DATE" {
			return x.Format(time.DateOnly)
		}
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

type column struct {
	name  string
	value any
}

// orderedRow is a row that encodes as a JSON object with its columns in
// query order, so samples read like the query's output.
type orderedRow []column

// MarshalJSON writes the row as an object.
func (r orderedRow) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, c := range r {
		if i > 0 {
			buf = append(buf, ',')
		}
		key, err := json.Marshal(c.name)
		if err != nil {
			return nil, err
		}
		val, err := json.Marshal(c.value)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.name, err)
		}
		buf = append(append(append(buf, key...), ':'), val...)
	}
	return append(buf, '}'), nil
}
