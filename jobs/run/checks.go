package run

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/checks"
	"evidencepack/transforms"
)

// ErrCheck is a data quality check or source freshness of severity error
// that failed after the load. The loaded facts stay in the warehouse and
// the packs of earlier runs stay in place.
var ErrCheck = errors.New("data quality check failed")

// runChecks runs the effective checks and the source freshness against the
// loaded warehouse, records them in the manifest and in check_results and
// source_freshness, and fails when one of severity error failed.
//
// NOTE: checks read the warehouse through database/sql, so they run on
// DuckDB only and a BigQuery run skips them with a warning.
func (r *runner) runChecks(ctx context.Context) error {
	if r.wh == nil {
		r.log.Warn("data quality checks skipped: they run on a DuckDB warehouse only",
			"warehouse", r.cfg.Warehouse.Kind)
		return nil
	}
	db := r.wh.DB()
	runID := r.provisionalRunID()
	prev, err := previousRun(ctx, db, r.from, r.to, runID)
	if err != nil {
		return stepErr("check", ErrWarehouse, err)
	}
	env := checks.Env{DB: db, From: r.from, To: r.to, Previous: prev, Dates: r.replacedDates()}
	results, err := checks.Run(ctx, env, r.cfg.EffectiveChecks())
	if err != nil {
		return &StepError{Step: "check", Err: err}
	}
	fresh, err := checks.Freshness(ctx, db, r.cfg.Sources, r.to, r.inputFiles())
	if err != nil {
		return stepErr("check", ErrWarehouse, err)
	}
	r.manifest.Checks, r.manifest.Freshness = results, fresh
	stmts := append(checks.ResultStatements(runID, results), checks.FreshnessStatements(fresh)...)
	if err := r.wh.Exec(ctx, stmts); err != nil {
		return stepErr("check", ErrWarehouse, err)
	}
	r.logChecks(results, fresh)
	if err := blockingError(results, fresh); err != nil {
		return stepErr("check", ErrCheck, err)
	}
	return nil
}

// replacedDates returns, per fact table, the dates whose partitions the
// load replaced: the window's and those of replace: input_dates sources.
func (r *runner) replacedDates() map[string][]time.Time {
	out := map[string][]time.Time{}
	for _, table := range transforms.Tables {
		var extra []time.Time
		for _, dates := range r.sourceDates[table] {
			extra = append(extra, dates...)
		}
		out[table] = windowAnd(r.from, r.to, extra)
	}
	return out
}

// windowAnd returns the dates from..to and extra, sorted and without
// repeats.
func windowAnd(from, to time.Time, extra []time.Time) []time.Time {
	seen := map[time.Time]bool{}
	var out []time.Time
	add := func(d time.Time) {
		d = dateOnly(d)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		add(d)
	}
	for _, d := range extra {
		add(d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

func (r *runner) inputFiles() map[string][]string {
	out := map[string][]string{}
	for _, in := range r.manifest.Inputs {
		out[in.Source] = append(out[in.Source], in.Path)
	}
	return out
}

func (r *runner) logChecks(results []checks.Result, fresh []checks.FreshnessResult) {
	failed := 0
	for _, c := range results {
		if c.Failed() {
			failed++
			r.log.Warn("check failed", "check", c.Name, "table", c.Table, "severity", c.Severity,
				"failing_rows", c.FailingCount, "message", c.Message)
		}
	}
	for _, f := range fresh {
		if f.Status == checks.StatusFailed {
			r.log.Warn("source is stale", "source", f.Source, "severity", f.Severity, "message", f.Message)
		}
	}
	r.log.Info("checks finished", "checks", len(results), "failed", failed, "sources", len(fresh))
}

// blockingError describes every failed check and stale source of severity
// error, or returns nil when there is none.
func blockingError(results []checks.Result, fresh []checks.FreshnessResult) error {
	var msgs []string
	for _, c := range results {
		if !c.Blocking() {
			continue
		}
		label := "check " + c.Name
		if c.Table != "" {
			label += " on " + c.Table
		}
		if c.Message != "" {
			msgs = append(msgs, fmt.Sprintf("%s: %s", label, c.Message))
			continue
		}
		msgs = append(msgs, fmt.Sprintf("%s: %d failing rows", label, c.FailingCount))
	}
	for _, f := range fresh {
		if f.Blocking() {
			msgs = append(msgs, f.Message)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s; the failing rows are in check_results and the run manifest", strings.Join(msgs, "; "))
}

// previousRun returns the row counts per table that the latest successful
// run of the same dates, other than runID, wrote for those dates; nil when
// there is none.
func previousRun(ctx context.Context, db *sql.DB, from, to time.Time, runID string) (*checks.PreviousRun, error) {
	var id, text string
	err := db.QueryRowContext(ctx, `SELECT run_id, manifest FROM runs
		WHERE status = 'succeeded' AND date_from = CAST(? AS DATE) AND date_to = CAST(? AS DATE) AND run_id <> ?
		ORDER BY finished_at DESC LIMIT 1`, from.Format(time.DateOnly), to.Format(time.DateOnly), runID).Scan(&id, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the previous run of %s..%s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	var m Manifest
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, fmt.Errorf("decode the manifest of run %s: %w", id, err)
	}
	prev := &checks.PreviousRun{RunID: id, Rows: map[string]int64{}}
	first, last := from.Format(time.DateOnly), to.Format(time.DateOnly)
	for _, p := range m.Partitions {
		if p.Date >= first && p.Date <= last {
			prev.Rows[p.Table] += int64(p.Rows)
		}
	}
	return prev, nil
}

// CheckReport is the outcome of `evidencepack check`.
type CheckReport struct {
	// RunID, From and To name the latest successful run, whose dates
	// row_count_drop and freshness are measured for.
	RunID, From, To string
	Checks          []checks.Result
	Freshness       []checks.FreshnessResult
}

// Blocking returns the error of every failed check or stale source of
// severity error, wrapping ErrCheck, or nil.
func (c *CheckReport) Blocking() error {
	if err := blockingError(c.Checks, c.Freshness); err != nil {
		return fmt.Errorf("%w: %w", ErrCheck, err)
	}
	return nil
}

// CheckOptions selects what `evidencepack check` reads.
type CheckOptions struct {
	// Window limits the checks of scope window to the partitions that the
	// latest successful run replaced. Without it every check reads the
	// whole table.
	Window bool
}

// CheckWarehouse runs the checks and the source freshness against the
// warehouse as the latest successful run left it. It opens the warehouse
// read-only and writes nothing.
func CheckWarehouse(ctx context.Context, cfg *config.Config, opts CheckOptions) (*CheckReport, error) {
	path := cfg.Resolve(cfg.Warehouse.Path)
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %w", ErrWarehouse, path, err)
	}
	defer db.Close()
	rep := &CheckReport{}
	err = db.QueryRowContext(ctx, `SELECT run_id, CAST(date_from AS VARCHAR), CAST(date_to AS VARCHAR) FROM runs
		WHERE status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`).Scan(&rep.RunID, &rep.From, &rep.To)
	if err != nil {
		return nil, fmt.Errorf("%w: find the latest successful run in %s (run `evidencepack run` first): %w",
			ErrWarehouse, path, err)
	}
	from, _ := time.Parse(time.DateOnly, rep.From)
	to, _ := time.Parse(time.DateOnly, rep.To)
	prev, err := previousRun(ctx, db, from, to, rep.RunID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWarehouse, err)
	}
	env := checks.Env{DB: db, From: from, To: to, Previous: prev}
	if opts.Window {
		if env.Dates, err = runReplacedDates(ctx, db, rep.RunID, from, to); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrWarehouse, err)
		}
	}
	if rep.Checks, err = checks.Run(ctx, env, cfg.EffectiveChecks()); err != nil {
		return nil, err
	}
	rep.Freshness, err = checks.Freshness(ctx, db, cfg.Sources, to, windowInputs(cfg, from, to))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWarehouse, err)
	}
	return rep, nil
}

// windowInputs returns each source's input files of a window; a source
// whose files cannot be resolved has none.
func windowInputs(cfg *config.Config, from, to time.Time) map[string][]string {
	out := map[string][]string{}
	for _, src := range cfg.Sources {
		if files, err := resolveInputs(cfg, src, from, to); err == nil {
			out[src.Name] = files
		}
	}
	return out
}

// runReplacedDates returns, per fact table, the window dates of a recorded
// run and the dates of the partitions its manifest lists.
func runReplacedDates(ctx context.Context, db *sql.DB, runID string, from, to time.Time) (map[string][]time.Time, error) {
	var text string
	if err := db.QueryRowContext(ctx, "SELECT manifest FROM runs WHERE run_id = ? LIMIT 1", runID).Scan(&text); err != nil {
		return nil, fmt.Errorf("read the manifest of run %s: %w", runID, err)
	}
	var m Manifest
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, fmt.Errorf("decode the manifest of run %s: %w", runID, err)
	}
	extra := map[string][]time.Time{}
	for _, p := range m.Partitions {
		d, err := time.Parse(time.DateOnly, p.Date)
		if err != nil {
			return nil, fmt.Errorf("manifest of run %s: partition date %q: %w", runID, p.Date, err)
		}
		extra[p.Table] = append(extra[p.Table], d)
	}
	out := map[string][]time.Time{}
	for _, table := range transforms.Tables {
		out[table] = windowAnd(from, to, extra[table])
	}
	return out, nil
}
