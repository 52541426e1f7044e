package checks

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// sampleRows runs query and returns its rows as a JSON array of objects
// keyed by column name. Timestamps are RFC 3339 in UTC and other values
// without a JSON form, such as DuckDB decimals, are their text.
func sampleRows(ctx context.Context, db *sql.DB, query string, args []any) (json.RawMessage, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	var out []orderedRow
	for rows.Next() {
		values := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make(orderedRow, len(types))
		for i, c := range types {
			row[i] = column{c.Name(), jsonValue(values[i], c.DatabaseTypeName())}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return json.Marshal(out)
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
