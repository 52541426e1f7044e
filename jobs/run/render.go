package run

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/render"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
)

// render writes one pack per account and period that the window touches
// in UTC or in the time zone of an allowed account.
func (r *runner) render(ctx context.Context) error {
	prov := render.Provenance{
		RunID:        r.provisionalRunID(),
		DataThrough:  r.lastDataDay().Format(time.DateOnly),
		InputsSHA256: r.manifest.InputsSHA256,
		ViewsSHA256:  r.manifest.ViewsSHA256,
	}
	if err := r.recordRenderInputs(ctx); err != nil {
		return stepErr("render", ErrOutput, err)
	}
	stage, err := newPackStage(filepath.Join(r.outDir, "packs"))
	if err != nil {
		return stepErr("render", ErrOutput, err)
	}
	defer stage.discard()
	first := len(r.manifest.Packs)
	periods := WindowPeriods(r.cfg.Pack.Period, r.from, r.to, accountZones(r.cfg))
	for _, period := range periods {
		if err := r.renderPeriod(ctx, stage, period, prov); err != nil {
			r.manifest.Packs = r.manifest.Packs[:first]
			return err
		}
	}
	published, err := stage.publish(periods)
	r.keepPublishedPacks(first, published)
	if err != nil {
		return stepErr("render", ErrOutput, err)
	}
	r.log.Debug("packs published", "periods", len(published))
	return nil
}

// keepPublishedPacks drops from the manifest the pack files, recorded from
// index first on, of periods that were not published, so that the
// manifest and the run summary list only packs that readers can see.
func (r *runner) keepPublishedPacks(first int, published []string) {
	packs := r.manifest.Packs[:first]
	for _, p := range r.manifest.Packs[first:] {
		if slices.Contains(published, p.Period) {
			packs = append(packs, p)
		}
	}
	r.manifest.Packs = packs
}

// renderPeriod writes the packs and index of one period into the stage and
// records them in the manifest under their published paths.
func (r *runner) renderPeriod(ctx context.Context, stage *packStage, period string, prov render.Provenance) error {
	if err := ctx.Err(); err != nil {
		return &StepError{Step: "render", Err: err}
	}
	packs, err := r.buildPacks(ctx, allowedAccounts(r.cfg), period, prov)
	if err != nil {
		return stepErr("render", ErrWarehouse, fmt.Errorf("period %s: %w", period, err))
	}
	written, err := render.WritePacks(ctx, stage.dir, packs, r.cfg.Pack.Formats)
	if err != nil {
		return writeError(ctx, err)
	}
	for k, pack := range packs {
		first := len(r.manifest.Packs)
		if err := r.recordPacks(pack, written[k]); err != nil {
			return stepErr("render", ErrOutput, err)
		}
		for i := first; i < len(r.manifest.Packs); i++ {
			r.manifest.Packs[i].Path = stage.finalPath(r.manifest.Packs[i].Path)
		}
		r.log.Debug("pack written", "account", pack.AccountID, "period", period)
	}
	if err := writeIndex(stage.dir, period, r.cfg.Pack.Formats, packs); err != nil {
		return stepErr("render", ErrOutput, err)
	}
	return nil
}

// allowedAccounts returns the ids of the config's accounts that
// accounts_allow lets through, in config order.
func allowedAccounts(cfg *config.Config) []string {
	ids := []string{}
	allowed := allowFilter(cfg)
	for _, a := range cfg.Accounts {
		if allowed(a.ID) {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// provisionalRunID fixes the run id before the packs are written, so the
// packs can name it. The id depends only on the run's inputs.
func (r *runner) provisionalRunID() string {
	if r.manifest.RunID == "" {
		r.manifest.RunID = runID(r.manifest)
	}
	return r.manifest.RunID
}

// Periods returns the labels of the periods of the given grain that
// overlap from..to: "2026-Q3" for quarters, "2026-07" for months.
func Periods(grain string, from, to time.Time) []string {
	var out []string
	d := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	step := 1
	if grain == "quarter" {
		d = time.Date(from.Year(), time.Month((int(from.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
		step = 3
	}
	for ; !d.After(to); d = d.AddDate(0, step, 0) {
		if grain == "quarter" {
			out = append(out, fmt.Sprintf("%d-Q%d", d.Year(), (int(d.Month())-1)/3+1))
		} else {
			out = append(out, d.Format("2006-01"))
		}
	}
	return out
}

// WindowPeriods returns the sorted labels of the periods of the given
// grain that the UTC dates from..to touch in any of the zones. The window
// covers the instants from the start of from to the end of to in UTC, so
// in America/Los_Angeles a window of 2026-10-01 reaches back to 17:00 on
// 2026-09-30 local time and touches 2026-Q3 as well as 2026-Q4. An
// invalid zone counts as UTC, because the config rejects one before a run.
func WindowPeriods(grain string, from, to time.Time, zones []string) []string {
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1).Add(-time.Microsecond)
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	var out []string
	for _, zone := range append([]string{"UTC"}, zones...) {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			loc = time.UTC
		}
		for _, p := range Periods(grain, localDate(start, loc), localDate(end, loc)) {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// localDate returns the date of t in loc as midnight UTC, the form that
// Periods compares.
func localDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// accountZones returns the time zones of the accounts that
// accounts_allow lets through.
func accountZones(cfg *config.Config) []string {
	var zones []string
	allowed := allowFilter(cfg)
	for _, a := range cfg.Accounts {
		if allowed(a.ID) && a.TimeZone != "" {
			zones = append(zones, a.TimeZone)
		}
	}
	return zones
}

// RenderOptions selects the packs Render writes.
type RenderOptions struct {
	Periods  []string // period labels such as 2026-Q3 or 2026-07
	Accounts []string // account ids; empty means every account of the config
	// LockWait is how long to wait for a run to release the lock on the
	// output directory; 0 fails at once.
	LockWait time.Duration
	// Endpoints points the BigQuery client at a fake in tests.
	Endpoints warehouse.Endpoints
}

// Render takes the lock on the output directory and rewrites packs from
// what the warehouse holds, without extracting anything. The packs name the latest successful run as their provenance.
// Without opts.Accounts it renders every allowed account and also writes
// each period's index.html when html is a pack format.
func Render(ctx context.Context, cfg *config.Config, opts RenderOptions) ([]string, error) {
	r := newRunner(cfg, Options{Endpoints: opts.Endpoints})
	lock, err := r.lock(ctx, opts.LockWait)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	if cfg.Warehouse.Kind == "duckdb" {
		// Opening a missing DuckDB file would create an empty warehouse.
		path := cfg.Resolve(cfg.Warehouse.Path)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, stepErr("render", ErrWarehouse,
				fmt.Errorf("warehouse %s not found: run `evidencepack run` first", path))
		}
	}
	if err := r.openWarehouse(ctx); err != nil {
		return nil, err
	}
	defer r.closeWarehouse()
	prov, err := latestProvenance(ctx, r.store, r.store.Dialect())
	if err != nil {
		return nil, stepErr("render", ErrWarehouse, err)
	}
	accounts := opts.Accounts
	if len(accounts) == 0 {
		accounts = allowedAccounts(cfg)
	}
	if err := checkRenderAccounts(cfg, accounts); err != nil {
		return nil, err
	}
	var files []string
	for _, period := range opts.Periods {
		written, err := renderPeriod(ctx, r, accounts, period, prov, len(opts.Accounts) == 0)
		files = append(files, written...)
		if err != nil {
			return files, err
		}
	}
	return files, nil
}

// checkRenderAccounts rejects an account that is not in the config or not
// in accounts_allow. It looks the ids up in sets built once, because
// config.Config.Account searches the accounts slice per call, which is
// quadratic for `render --all` of every account.
func checkRenderAccounts(cfg *config.Config, accounts []string) error {
	known := make(map[string]bool, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		known[a.ID] = true
	}
	allowed := allowFilter(cfg)
	for _, id := range accounts {
		if !known[id] {
			return stepErr("render", config.ErrInvalid, fmt.Errorf("account %q is not in the config", id))
		}
		if !allowed(id) {
			return stepErr("render", config.ErrInvalid, fmt.Errorf("account %q is not in accounts_allow", id))
		}
	}
	return nil
}

// allowFilter returns cfg.AccountAllowed backed by a set built once, for
// loops over every account: AccountAllowed searches accounts_allow per
// call.
func allowFilter(cfg *config.Config) func(id string) bool {
	if len(cfg.AccountsAllow) == 0 {
		return func(string) bool { return true }
	}
	allowed := make(map[string]bool, len(cfg.AccountsAllow))
	for _, id := range cfg.AccountsAllow {
		allowed[id] = true
	}
	return func(id string) bool { return allowed[id] }
}

// renderPeriod writes the packs of the accounts for one period and, when
// every account is rendered and html is a format, the period's index.html.
// It returns the paths written.
func renderPeriod(ctx context.Context, r *runner, accounts []string, period string, prov render.Provenance, all bool) ([]string, error) {
	packs, err := r.buildPacks(ctx, accounts, period, prov)
	if err != nil {
		return nil, stepErr("render", ErrWarehouse, fmt.Errorf("period %s: %w", period, err))
	}
	dir := filepath.Join(r.outDir, "packs")
	written, err := render.WritePacks(ctx, dir, packs, r.cfg.Pack.Formats)
	files := slices.Concat(written...)
	if err != nil {
		return files, writeError(ctx, err)
	}
	if !all || !slices.Contains(r.cfg.Pack.Formats, "html") {
		return files, nil
	}
	index, err := render.WriteIndex(dir, period, packs)
	if err != nil {
		return files, stepErr("render", ErrOutput, err)
	}
	return append(files, index), nil
}

// latestProvenance reads the provenance of the latest successful run from
// the runs table, with the end of the data of all successful runs.
func latestProvenance(ctx context.Context, q render.Querier, d evsql.Dialect) (render.Provenance, error) {
	var p render.Provenance
	runs, err := d.Table("runs")
	if err != nil {
		return p, err
	}
	query := fmt.Sprintf(`
		SELECT run_id, CAST(date_to AS %s), inputs_sha256, views_sha256 FROM %s
		WHERE status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`, d.StringType(), runs)
	err = warehouse.QueryRow(ctx, q, query, nil, &p.RunID, &p.DataThrough, &p.InputsSHA256, &p.ViewsSHA256)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("no successful run in the warehouse yet; run `evidencepack run` first")
	}
	if err != nil {
		return p, fmt.Errorf("read latest run: %w", err)
	}

	// The end of the data is the latest window end of all successful
	// runs, as the runs' pack settings have it. The latest run may have
	// corrected an earlier date.
	last, ok, err := latestDataThrough(ctx, q, d)
	if err != nil {
		return p, err
	}
	if ok {
		p.DataThrough = last.Format(time.DateOnly)
	}
	return p, nil
}

// buildPacks builds the packs of a period. DuckDB goes through
// render.BuildAccounts, which copies the views of the period into TEMP
// tables first; other warehouses are queried on their views directly.
func (r *runner) buildPacks(ctx context.Context, accounts []string, period string, prov render.Provenance) ([]*render.Pack, error) {
	if r.wh != nil {
		return render.BuildAccounts(ctx, r.wh.DB(), accounts, period, prov)
	}
	src := render.Source{Querier: r.store, Dialect: r.store.Dialect()}
	return render.BuildAccountsFrom(ctx, src, accounts, period, prov)
}

// writeError returns the render step's error for a failed write of pack
// files: a cancellation as it is, and any other failure as an output error.
func writeError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &StepError{Step: "render", Err: err}
	}
	return stepErr("render", ErrOutput, err)
}
