package run

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/checks"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
	"evidencepack/transforms"
)

// ErrCheck is a data quality check or source freshness of severity error
// that failed after the load. The loaded facts stay in the warehouse and
// the packs of earlier runs stay in place.
var ErrCheck = errors.New("data quality check failed")

// runChecks runs the effective checks and the source freshness against the
// loaded warehouse, records them in the manifest and in check_results and
// source_freshness, and fails when one of severity error failed.
func (r *runner) runChecks(ctx context.Context) error {
	if err := r.openWarehouse(ctx); err != nil {
		return err
	}
	q, d := r.store, r.store.Dialect()
	runID := r.provisionalRunID()
	prev, err := previousRun(ctx, q, d, r.from, r.to, runID)
	if err != nil {
		return stepErr("check", ErrWarehouse, err)
	}
	env := checks.Env{Querier: q, Dialect: d, From: r.from, To: r.to, Previous: prev, Dates: r.replacedDates()}
	results, err := checks.Run(ctx, env, r.cfg.EffectiveChecks())
	if err != nil {
		return &StepError{Step: "check", Err: err}
	}
	fresh, err := checks.MeasureFreshness(ctx, q, d, r.cfg.Sources, r.to, r.inputFiles())
	if err != nil {
		return stepErr("check", ErrWarehouse, err)
	}
	r.manifest.Checks, r.manifest.Freshness = results, fresh
	if err := r.recordChecks(ctx, runID, results, fresh); err != nil {
		return stepErr("check", ErrWarehouse, err)
	}
	r.logChecks(results, fresh)
	if err := blockingError(results, fresh); err != nil {
		return stepErr("check", ErrCheck,
			fmt.Errorf("%w; the failing rows are in check_results and the run manifest", err))
	}
	return nil
}

// recordChecks replaces the check_results rows of the run and every
// source_freshness row: in one DuckDB statement batch, or with BigQuery
// query and load jobs.
func (r *runner) recordChecks(ctx context.Context, runID string, results []checks.Result,
	fresh []checks.FreshnessResult) error {
	switch w := r.store.(type) {
	case *warehouse.DuckDB:
		return w.Exec(ctx, append(checks.ResultStatements(runID, results), checks.FreshnessStatements(fresh)...))
	case *warehouse.BigQuery:
		return w.RecordChecks(ctx, runID, r.manifest.StartedAt, checks.ResultRows(runID, results),
			checks.FreshnessRows(fresh))
	}
	return fmt.Errorf("warehouse kind %s cannot store check results", r.cfg.Warehouse.Kind)
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
	return errors.New(strings.Join(msgs, "; "))
}

// previousRun returns the row counts per table that the latest successful
// run of the same dates, other than runID, wrote for those dates; nil when
// there is none.
func previousRun(ctx context.Context, q warehouse.Querier, d evsql.Dialect, from, to time.Time,
	runID string) (*checks.PreviousRun, error) {
	runs, err := d.Table("runs")
	if err != nil {
		return nil, err
	}
	first, last := from.Format(time.DateOnly), to.Format(time.DateOnly)
	query := fmt.Sprintf(`SELECT run_id, manifest FROM %s
		WHERE status = 'succeeded' AND date_from = CAST(? AS DATE) AND date_to = CAST(? AS DATE) AND run_id <> ?
		ORDER BY finished_at DESC LIMIT 1`, runs)
	var id, text string
	err = warehouse.QueryRow(ctx, q, query, []any{first, last, runID}, &id, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the previous run of %s..%s: %w", first, last, err)
	}
	// Only the partitions the run wrote are decoded, not the list of every
	// fact file on disk under render_inputs.
	var m struct {
		Partitions []PartitionInfo `json:"partitions_replaced"`
	}
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, fmt.Errorf("decode the manifest of run %s: %w", id, err)
	}
	prev := &checks.PreviousRun{RunID: id, Rows: map[string]int64{}}
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
	// Endpoints points the BigQuery client at a fake in tests.
	Endpoints warehouse.Endpoints
}

// CheckWarehouse runs the checks and the source freshness against the
// warehouse as the latest successful run left it. It opens DuckDB
// read-only, sends BigQuery nothing but queries, and writes nothing.
func CheckWarehouse(ctx context.Context, cfg *config.Config, opts CheckOptions) (*CheckReport, error) {
	target, err := openCheckTarget(ctx, cfg, opts.Endpoints)
	if err != nil {
		return nil, err
	}
	defer target.close()
	q, d := target.querier, target.dialect
	runs, err := d.Table("runs")
	if err != nil {
		return nil, err
	}
	text := d.StringType()
	rep := &CheckReport{}
	latest := fmt.Sprintf(`SELECT run_id, CAST(date_from AS %s), CAST(date_to AS %s) FROM %s
		WHERE status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`, text, text, runs)
	if err := warehouse.QueryRow(ctx, q, latest, nil, &rep.RunID, &rep.From, &rep.To); err != nil {
		return nil, fmt.Errorf("%w: find the latest successful run in %s (run `evidencepack run` first): %w",
			ErrWarehouse, target.name, err)
	}
	from, _ := time.Parse(time.DateOnly, rep.From)
	to, _ := time.Parse(time.DateOnly, rep.To)
	prev, err := previousRun(ctx, q, d, from, to, rep.RunID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWarehouse, err)
	}
	env := checks.Env{Querier: q, Dialect: d, From: from, To: to, Previous: prev}
	if opts.Window {
		if env.Dates, err = runReplacedDates(ctx, q, d, rep.RunID, from, to); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrWarehouse, err)
		}
	}
	if rep.Checks, err = checks.Run(ctx, env, cfg.EffectiveChecks()); err != nil {
		return nil, err
	}
	rep.Freshness, err = checks.MeasureFreshness(ctx, q, d, cfg.Sources, to, windowInputs(cfg, from, to))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWarehouse, err)
	}
	return rep, nil
}

// checkTarget is the warehouse that `evidencepack check` reads.
type checkTarget struct {
	querier warehouse.Querier
	dialect evsql.Dialect
	// name is the DuckDB file or the BigQuery project.dataset.
	name  string
	close func() error
}

// openCheckTarget opens the DuckDB file of the config read-only, or the
// BigQuery dataset without creating or changing any table.
func openCheckTarget(ctx context.Context, cfg *config.Config, ep warehouse.Endpoints) (*checkTarget, error) {
	if cfg.Warehouse.Kind == "bigquery" {
		w, err := warehouse.OpenBigQuery(ctx, warehouse.BigQueryConfigOf(cfg), ep)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrWarehouse, err)
		}
		return &checkTarget{querier: w, dialect: w.Dialect(),
			name: cfg.Warehouse.Project + "." + cfg.Warehouse.Dataset, close: w.Close}, nil
	}
	path := cfg.Resolve(cfg.Warehouse.Path)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: warehouse %s not found: run `evidencepack run` first", ErrWarehouse, path)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %w", ErrWarehouse, path, err)
	}
	return &checkTarget{querier: warehouse.SQLQuerier{DB: db}, dialect: evsql.DuckDB(), name: path,
		close: db.Close}, nil
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
func runReplacedDates(ctx context.Context, q warehouse.Querier, d evsql.Dialect, runID string,
	from, to time.Time) (map[string][]time.Time, error) {
	runs, err := d.Table("runs")
	if err != nil {
		return nil, err
	}
	var text string
	query := fmt.Sprintf("SELECT manifest FROM %s WHERE run_id = ? LIMIT 1", runs)
	if err := warehouse.QueryRow(ctx, q, query, []any{runID}, &text); err != nil {
		return nil, fmt.Errorf("read the manifest of run %s: %w", runID, err)
	}
	var m Manifest
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return nil, fmt.Errorf("decode the manifest of run %s: %w", runID, err)
	}
	extra := map[string][]time.Time{}
	for _, p := range m.Partitions {
		day, err := time.Parse(time.DateOnly, p.Date)
		if err != nil {
			return nil, fmt.Errorf("manifest of run %s: partition date %q: %w", runID, p.Date, err)
		}
		extra[p.Table] = append(extra[p.Table], day)
	}
	out := map[string][]time.Time{}
	for _, table := range transforms.Tables {
		out[table] = windowAnd(from, to, extra[table])
	}
	return out, nil
}
