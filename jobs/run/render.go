package run

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/render"
)

// render writes one pack per account and period overlapping the window.
func (r *runner) render(ctx context.Context) error {
	prov := render.Provenance{
		RunID:        r.provisionalRunID(),
		DataThrough:  r.manifest.To,
		InputsSHA256: r.manifest.InputsSHA256,
		ViewsSHA256:  r.manifest.ViewsSHA256,
	}
	if err := r.recordRenderInputs(ctx); err != nil {
		return stepErr("render", ErrOutput, err)
	}
	dir := filepath.Join(r.outDir, "packs")
	for _, period := range Periods(r.cfg.Pack.Period, r.from, r.to) {
		var packs []*render.Pack
		for _, a := range r.cfg.Accounts {
			if err := ctx.Err(); err != nil {
				return &StepError{Step: "render", Err: err}
			}
			if !r.cfg.AccountAllowed(a.ID) {
				continue
			}
			pack, err := render.Build(ctx, r.wh.DB(), a.ID, period, prov)
			if err != nil {
				return stepErr("render", ErrWarehouse, fmt.Errorf("account %s period %s: %w", a.ID, period, err))
			}
			files, err := render.Write(dir, pack, r.cfg.Pack.Formats)
			if err != nil {
				return stepErr("render", ErrOutput, err)
			}
			if err := r.recordPacks(pack, files); err != nil {
				return stepErr("render", ErrOutput, err)
			}
			packs = append(packs, pack)
			r.log.Debug("pack written", "account", a.ID, "period", period)
		}
		if err := writeIndex(dir, period, r.cfg.Pack.Formats, packs); err != nil {
			return stepErr("render", ErrOutput, err)
		}
	}
	return nil
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

// RenderOptions selects the packs Render writes.
type RenderOptions struct {
	Periods  []string // period labels such as 2026-Q3 or 2026-07
	Accounts []string // account ids; empty means every account of the config
	// LockWait is how long to wait for a run to release the lock on the
	// output directory; 0 fails at once.
	LockWait time.Duration
}

// Render takes the lock on the output directory and rewrites packs from
// what the warehouse holds, without extracting anything. The packs name the latest successful run as their provenance.
func Render(ctx context.Context, cfg *config.Config, opts RenderOptions) ([]string, error) {
	r := newRunner(cfg, Options{})
	lock, err := r.lock(ctx, opts.LockWait)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	if err := r.openWarehouse(ctx); err != nil {
		return nil, err
	}
	defer r.wh.Close()
	prov, err := latestProvenance(ctx, r.wh.DB())
	if err != nil {
		return nil, stepErr("render", ErrWarehouse, err)
	}
	accounts := opts.Accounts
	if len(accounts) == 0 {
		for _, a := range cfg.Accounts {
			if cfg.AccountAllowed(a.ID) {
				accounts = append(accounts, a.ID)
			}
		}
	}
	var files []string
	for _, period := range opts.Periods {
		for _, id := range accounts {
			if _, ok := cfg.Account(id); !ok {
				return files, stepErr("render", config.ErrInvalid, fmt.Errorf("account %q is not in the config", id))
			}
			if !cfg.AccountAllowed(id) {
				return files, stepErr("render", config.ErrInvalid, fmt.Errorf("account %q is not in accounts_allow", id))
			}
			pack, err := render.Build(ctx, r.wh.DB(), id, period, prov)
			if err != nil {
				return files, stepErr("render", ErrWarehouse, fmt.Errorf("account %s period %s: %w", id, period, err))
			}
			written, err := render.Write(filepath.Join(r.outDir, "packs"), pack, cfg.Pack.Formats)
			if err != nil {
				return files, stepErr("render", ErrOutput, err)
			}
			files = append(files, written...)
		}
	}
	return files, nil
}

func latestProvenance(ctx context.Context, db *sql.DB) (render.Provenance, error) {
	var p render.Provenance
	err := db.QueryRowContext(ctx, `
		SELECT run_id, CAST(date_to AS VARCHAR), inputs_sha256, views_sha256 FROM runs
		WHERE status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`).
		Scan(&p.RunID, &p.DataThrough, &p.InputsSHA256, &p.ViewsSHA256)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("no successful run in the warehouse yet; run `evidencepack run` first")
	}
	if err != nil {
		return p, fmt.Errorf("read latest run: %w", err)
	}
	return p, nil
}
