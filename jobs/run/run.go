// Package run executes one evidencepack run: extract the sources of a date
// window, write Parquet facts, load them into the warehouse, and render the
// evidence packs, recording everything in a manifest.
package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	"evidencepack/transforms"
)

// Options selects the window of a run.
type Options struct {
	// From and To are the first and last logical dates, inclusive.
	From, To time.Time
	// ConfigBytes is the raw config file, hashed into the manifest.
	ConfigBytes []byte
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// LockWait is how long to wait for another run to release the lock on
	// the output directory; 0 fails at once.
	LockWait time.Duration
	// HMACKey is the pseudonym key, read by the caller from the variable
	// that pseudonymize.key_env names. It is kept out of the config so it
	// is never hashed, logged or written.
	HMACKey []byte
	// Endpoints points the BigQuery and Cloud Storage clients at fakes in
	// tests; empty fields keep Google's.
	Endpoints warehouse.Endpoints
}

type runner struct {
	cfg      *config.Config
	log      *slog.Logger
	now      func() time.Time
	from, to time.Time
	// dataThrough is the last day of the earlier successful runs'
	// windows, read by the load step; zero before it or without any.
	dataThrough time.Time
	outDir      string
	manifest    *Manifest
	collectors  map[string]*transforms.Collector
	written     map[string][]string
	// sourceDates maps table and source to the dates outside the window
	// that the source replaces (replace: input_dates).
	sourceDates map[string]map[string][]time.Time
	// store is the warehouse of the config; wh is the same warehouse when
	// it is DuckDB and nil otherwise.
	store     warehouse.Warehouse
	wh        *warehouse.DuckDB
	endpoints warehouse.Endpoints
	hmacKey   []byte
	redact    *transforms.Redactor
	// liveState holds, per live source, the high-water marks stored in
	// source_state when the load commits.
	liveState map[string]map[string]string
	// shard selects the input files of a sharded run; zero when unsharded.
	shard Shard
}

// Run takes the lock on the output directory, executes the run and returns
// its manifest. The manifest is returned, with the failed step and error,
// also when the run fails, except when the lock could not be taken: then
// nothing was written and the manifest is nil.
func Run(ctx context.Context, cfg *config.Config, opts Options) (*Manifest, error) {
	r := newRunner(cfg, opts)
	lock, err := r.lock(ctx, opts.LockWait)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	defer applyMemoryLimit(cfg, r.log)()
	err = r.execute(ctx)
	r.finish(ctx, err)
	return r.manifest, err
}

// lock takes the lock on the output directory, classifying its failure.
func (r *runner) lock(ctx context.Context, wait time.Duration) (*runLock, error) {
	l, err := acquireLock(ctx, r.outDir, wait, r.now)
	switch {
	case err == nil:
		r.log.Debug("lock acquired", "path", l.file.Name())
		return l, nil
	case errors.Is(err, ErrLocked) || ctx.Err() != nil:
		return nil, &StepError{Step: "lock", Err: err}
	default:
		return nil, stepErr("lock", ErrOutput, err)
	}
}

// sweep removes the temporary files of an earlier run that was killed.
func (r *runner) sweep(ctx context.Context) error {
	if err := sweepTempFiles(ctx, r.outDir, r.log); err != nil {
		return stepErr("sweep", ErrOutput, err)
	}
	return nil
}

func newRunner(cfg *config.Config, opts Options) *runner {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	sum := sha256.Sum256(opts.ConfigBytes)
	r := &runner{
		cfg: cfg, log: log, now: now,
		from: dateOnly(opts.From), to: dateOnly(opts.To),
		outDir:      cfg.Resolve(cfg.OutputDir),
		hmacKey:     opts.HMACKey,
		endpoints:   opts.Endpoints,
		collectors:  map[string]*transforms.Collector{},
		written:     map[string][]string{},
		sourceDates: map[string]map[string][]time.Time{},
		liveState:   map[string]map[string]string{},
	}
	r.manifest = &Manifest{
		Status: StatusRunning, StartedAt: now().UTC(),
		From: r.from.Format(time.DateOnly), To: r.to.Format(time.DateOnly),
		ConfigSHA256: hex.EncodeToString(sum[:]),
		Sources:      map[string]*SourceStats{},
		Warehouse:    cfg.Warehouse.Kind,
	}
	return r
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (r *runner) window() string {
	return r.manifest.From + "_" + r.manifest.To
}

func (r *runner) collector(table string) *transforms.Collector {
	c := r.collectors[table]
	if c == nil {
		c = transforms.NewCollector(r.from, r.to)
		c.TempDir = r.outDir // spill files, named .tmp-*, which sweep removes
		r.collectors[table] = c
	}
	return c
}

// execute runs the steps in order; each step checks ctx before it starts.
func (r *runner) execute(ctx context.Context) error {
	if r.to.Before(r.from) {
		return stepErr("plan", config.ErrInvalid, fmt.Errorf("window end %s is before its start %s",
			r.manifest.To, r.manifest.From))
	}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"sweep", r.sweep},
		{"extract", r.extractAll},
		{"budget", r.checkBudgets},
		{"contract", r.checkInputSchemas},
		{"write", r.writeFacts},
		{"load", r.load},
		{"check", r.runChecks},
		{"render", r.render},
	}
	for _, s := range steps {
		if ctx.Err() != nil {
			return cancelledStep(ctx, s.name, ctx.Err())
		}
		start := r.now()
		r.log.Info("step started", "step", s.name)
		if err := s.fn(ctx); err != nil {
			if ctx.Err() != nil {
				r.log.Debug("step stopped by cancellation", "step", s.name, "err", err)
			}
			return cancelledStep(ctx, s.name, err)
		}
		r.manifest.Steps = append(r.manifest.Steps,
			StepTiming{Step: s.name, Seconds: r.now().Sub(start).Seconds()})
	}
	return nil
}

func (r *runner) extractAll(ctx context.Context) error {
	for _, src := range r.cfg.Sources {
		if err := r.extractSource(ctx, src); err != nil {
			return err
		}
	}
	r.manifest.InputsSHA256 = inputsDigest(r.inputsForDigest())
	return nil
}

// checkBudgets fails the run, before anything is written, when a source
// rejected more records than its configured share allows.
func (r *runner) checkBudgets(context.Context) error {
	for _, src := range r.cfg.Sources {
		st := r.manifest.Sources[src.Name]
		counts := r.collector(st.Table).CountsOf(src.Name)
		if counts.Records == 0 {
			continue
		}
		ratio := float64(counts.Rejected) / float64(counts.Records)
		if ratio > *src.MaxRejectRatio {
			return stepErr("budget", ErrBudget, fmt.Errorf(
				"source %s rejected %d of %d records (%.2f%%), above max_reject_ratio %.2f%%; see %s",
				src.Name, counts.Rejected, counts.Records, 100*ratio, 100**src.MaxRejectRatio,
				st.QuarantineFile))
		}
	}
	return nil
}

// finish completes the manifest, writes it next to the facts and logs the
// outcome.
func (r *runner) finish(ctx context.Context, err error) {
	m := r.manifest
	m.FinishedAt = r.now().UTC()
	for _, c := range r.collectors {
		for name, n := range c.Counts() {
			if st := m.Sources[name]; st != nil {
				st.Counts = n
			}
		}
	}
	sort.Slice(m.Partitions, func(i, j int) bool {
		a, b := m.Partitions[i], m.Partitions[j]
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return a.Source < b.Source
	})
	if err != nil {
		err = cancelledStep(ctx, "", err)
	}
	m.Status = runStatus(err)
	if err != nil {
		m.Error = err.Error()
		var se *StepError
		if errors.As(err, &se) {
			m.FailedStep = se.Step
			m.Error = se.Err.Error()
		}
	}
	if m.RunID == "" {
		m.RunID = runID(m)
	}
	r.recordRun(ctx)
	path := r.manifestPath()
	m.File = path
	if werr := writeManifest(path, m); werr != nil {
		r.log.Error("write manifest", "err", werr)
	}
	if m.Status == StatusCancelled {
		r.log.Warn("run cancelled", "run_id", m.RunID, "step", m.FailedStep, "manifest", path)
		return
	}
	if err != nil {
		r.log.Error("run failed", "run_id", m.RunID, "step", m.FailedStep, "err", err)
		return
	}
	r.log.Info("run succeeded", "run_id", m.RunID, "manifest", path)
}

// manifestPath returns where this attempt's manifest goes. A failed or
// cancelled attempt gets a name of its own, such as
// run-…-cancelled-20260702T010000Z.json, so it never overwrites the
// manifest of an earlier successful run of the same work, which replay
// reads.
func (r *runner) manifestPath() string {
	m := r.manifest
	if m.Status == StatusSucceeded {
		return filepath.Join(r.outDir, "runs", m.RunID+".json")
	}
	stamp := m.StartedAt.UTC().Format("20060102T150405Z")
	return filepath.Join(r.outDir, "runs", m.RunID+"-"+m.Status+"-"+stamp+".json")
}

// ManifestPath returns where the manifest of a successful run is written.
func ManifestPath(cfg *config.Config, runID string) string {
	return filepath.Join(cfg.Resolve(cfg.OutputDir), "runs", runID+".json")
}
