package run

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
)

// latestDataThrough returns the last day of the latest window among the
// successful runs in the runs table, and false when there is none. A run
// that corrects an earlier date keeps this as the end of the data, so the
// packs of periods that an earlier run completed stay final.
func latestDataThrough(ctx context.Context, q warehouse.Querier, d evsql.Dialect) (time.Time, bool, error) {
	runs, err := d.Table("runs")
	if err != nil {
		return time.Time{}, false, err
	}
	var last sql.NullString
	query := fmt.Sprintf("SELECT CAST(MAX(date_to) AS %s) FROM %s WHERE status = 'succeeded'", d.StringType(), runs)
	// MAX returns one row, NULL without runs; no row at all counts the same.
	err = warehouse.QueryRow(ctx, q, query, nil, &last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, fmt.Errorf("read the end of the loaded data: %w", err)
	}
	if !last.Valid {
		return time.Time{}, false, nil
	}
	day, err := time.Parse(time.DateOnly, last.String)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read the end of the loaded data: date_to %q: %w", last.String, err)
	}
	return day, true, nil
}

// lastDataDay returns the last day of data that the warehouse holds once
// this run commits: its own last day, or a later one that an earlier run
// loaded.
func (r *runner) lastDataDay() time.Time {
	if r.dataThrough.After(r.to) {
		return r.dataThrough
	}
	return r.to
}
