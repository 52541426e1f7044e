// Package checks runs data quality checks against the warehouse after a
// load: built-in and configured checks of the fact tables, and the
// freshness of each source's newest fact.
package checks

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
)

// Statuses of a check result.
const (
	StatusPassed = "passed"
	StatusFailed = "failed"
)

// SampleLimit is the number of failing rows kept per failed check.
const SampleLimit = 20

// Result is the outcome of one check, with the query that selects its
// failing rows and a sample of them.
type Result struct {
	Name         string          `json:"name"`
	Table        string          `json:"table"`
	Kind         string          `json:"kind"`
	Columns      []string        `json:"columns,omitempty"`
	Severity     string          `json:"severity"`
	Status       string          `json:"status"`
	FailingCount int64           `json:"failing_count"`
	Sample       json.RawMessage `json:"sample,omitempty"`
	SQL          string          `json:"sql"`
	Args         []any           `json:"args,omitempty"`
	// Message explains a failure that is not a count of rows, such as a
	// row count drop or a check query that the warehouse rejected.
	Message string `json:"message,omitempty"`
}

// Failed reports whether the check found failing rows or could not run.
func (r Result) Failed() bool { return r.Status == StatusFailed }

// Blocking reports whether the result stops a run: a failed check of
// severity error.
func (r Result) Blocking() bool { return r.Failed() && r.Severity == config.SeverityError }

// Env is what the checks run against.
type Env struct {
	// Querier runs the check queries, which are written in Dialect. With
	// Querier nil the checks query DB, a DuckDB database.
	Querier warehouse.Querier
	Dialect evsql.Dialect
	DB      *sql.DB
	// From and To are the logical dates whose row counts row_count_drop
	// compares.
	From, To time.Time
	// Previous is the previous successful run of the same dates, nil when
	// there is none.
	Previous *PreviousRun
	// Dates are the partitions each fact table had replaced by the run.
	// A check of scope window reads only the rows dated in them. With
	// Dates nil every check reads the whole table.
	Dates map[string][]time.Time
}

// target returns the querier and the dialect of the checked warehouse.
func (env Env) target() (warehouse.Querier, dialect) {
	if env.Querier != nil {
		return env.Querier, dialect{env.Dialect}
	}
	return warehouse.SQLQuerier{DB: env.DB}, dialect{evsql.DuckDB()}
}

// scopeDates returns the dates a check is limited to, nil for the whole
// table.
func (env Env) scopeDates(c config.Check) []time.Time {
	if env.Dates == nil || c.Scope != config.ScopeWindow {
		return nil
	}
	dates, ok := env.Dates[c.Table]
	if !ok {
		return nil
	}
	if dates == nil {
		// The table had no partition replaced, so no row is in scope.
		return []time.Time{}
	}
	return dates
}

// PreviousRun is the run that row_count_drop compares against.
type PreviousRun struct {
	RunID string
	// Rows is the number of rows per table the run wrote for its dates.
	Rows map[string]int64
}

// Run runs every check in order. A check whose query fails is reported as
// failed with the error as its message; only a cancelled ctx stops Run.
func Run(ctx context.Context, env Env, list []config.Check) ([]Result, error) {
	q, d := env.target()
	out := make([]Result, 0, len(list))
	for _, c := range list {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		var res Result
		var err error
		if c.Kind == config.CheckRowCountDrop {
			res, err = rowCountDrop(ctx, q, d, env, c)
		} else {
			res, err = runQueryCheck(ctx, q, d, c, env.scopeDates(c))
		}
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			res.Status = StatusFailed
			res.Message = err.Error()
		}
		out = append(out, res)
	}
	return out, nil
}

func newResult(c config.Check) Result {
	return Result{Name: c.Name, Table: c.Table, Kind: c.Kind, Columns: c.Columns, Severity: c.Severity,
		Status: StatusPassed}
}

// runQueryCheck counts the failing rows of a check, among the rows dated
// in dates unless dates is nil, and keeps a sample of them.
func runQueryCheck(ctx context.Context, querier warehouse.Querier, d dialect, c config.Check,
	dates []time.Time) (Result, error) {
	res := newResult(c)
	q, args, err := d.failingRowsQuery(c, dates)
	if err != nil {
		return res, err
	}
	res.SQL, res.Args = q, args
	count := fmt.Sprintf("SELECT COUNT(*) FROM (%s) AS failing", q)
	if err := warehouse.QueryRow(ctx, querier, count, args, &res.FailingCount); err != nil {
		return res, fmt.Errorf("check %s: count failing rows: %w", c.Name, err)
	}
	if res.FailingCount == 0 {
		return res, nil
	}
	res.Status = StatusFailed
	sample := fmt.Sprintf("SELECT * FROM (%s) AS failing %s LIMIT %d", q, d.orderAll("failing"), SampleLimit)
	if res.Sample, err = sampleRows(ctx, querier, sample, args); err != nil {
		return res, fmt.Errorf("check %s: sample failing rows: %w", c.Name, err)
	}
	return res, nil
}

// rowCountDrop compares the rows a table holds for the dates From..To with
// the rows the previous successful run of those dates wrote.
func rowCountDrop(ctx context.Context, q warehouse.Querier, d dialect, env Env, c config.Check) (Result, error) {
	res := newResult(c)
	table, err := d.table(c.Table)
	if err != nil {
		return res, fmt.Errorf("check %s: %w", c.Name, err)
	}
	res.SQL = fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE dt BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)", table)
	res.Args = []any{env.From.Format(time.DateOnly), env.To.Format(time.DateOnly)}
	if env.Previous == nil {
		res.Message = "no previous successful run of these dates to compare with"
		return res, nil
	}
	var current int64
	if err := warehouse.QueryRow(ctx, q, res.SQL, res.Args, &current); err != nil {
		return res, fmt.Errorf("check %s: count rows: %w", c.Name, err)
	}
	previous := env.Previous.Rows[c.Table]
	if previous == 0 || current >= previous {
		return res, nil
	}
	share := float64(previous-current) / float64(previous)
	if share <= *c.MaxDropShare {
		return res, nil
	}
	res.Status = StatusFailed
	res.FailingCount = previous - current
	res.Message = fmt.Sprintf("%s has %d rows for %s..%s, %.1f%% fewer than the %d of run %s (max_drop_share %.1f%%)",
		c.Table, current, res.Args[0], res.Args[1], 100*share, previous, env.Previous.RunID, 100**c.MaxDropShare)
	sample, err := json.Marshal([]map[string]any{{"table": c.Table, "previous_run_id": env.Previous.RunID,
		"previous_rows": previous, "current_rows": current, "drop_share": share}})
	res.Sample = sample
	return res, err
}
