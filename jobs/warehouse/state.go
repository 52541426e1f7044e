package warehouse

import (
	"context"
	"fmt"
	"time"

	evsql "evidencepack/sql"
)

// SourceMark is one high-water mark of a live source, such as the cursor
// of a PostgreSQL source, and the time the run stores it.
type SourceMark struct {
	Source, Key, Value string
	UpdatedAt          time.Time
}

// readSourceState runs the source_state query of the dialect and returns
// the value of each key.
func readSourceState(ctx context.Context, q Querier, d evsql.Dialect, source string) (map[string]string, error) {
	query, err := evsql.Query(d, "source_state")
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, query, source)
	if err != nil {
		return nil, fmt.Errorf("read source_state of %s: %w", source, err)
	}
	defer rows.Close()
	state := map[string]string{}
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return nil, fmt.Errorf("read source_state of %s: %w", source, err)
		}
		state[key] = value
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read source_state of %s: %w", source, err)
	}
	return state, nil
}
