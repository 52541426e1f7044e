package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	// The DuckDB driver registers itself as "duckdb".
	_ "github.com/duckdb/duckdb-go/v2"

	"evidencepack/config"
	"evidencepack/jobs/render"
	"evidencepack/jobs/run"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
)

// Result is a reconciliation with the finance files written for it.
type Result struct {
	Report       *Report
	ReconcileCSV string
	CostValueCSV string
	// WarehousePath is the DuckDB file, or project.dataset of BigQuery.
	WarehousePath string
}

// Store is the warehouse that reconcile reads: its queries and the SQL
// dialect they are rendered in.
type Store struct {
	Querier warehouse.Querier
	Dialect evsql.Dialect
}

// DuckDBStore returns a DuckDB database as a Store.
func DuckDBStore(db *sql.DB) Store {
	return Store{Querier: render.SQLQuerier(db), Dialect: evsql.DuckDB()}
}

// Options are the settings of Run.
type Options struct {
	// Endpoints point the BigQuery client at a fake in tests.
	Endpoints warehouse.Endpoints
	// LockWait is how long to wait for a run, render or migration that
	// holds the lock on the output directory. Zero fails at once.
	LockWait time.Duration
}

// errNoRun marks a warehouse in which no run has succeeded, so the pack
// settings that the finance files need are missing.
var errNoRun = errors.New("no run has succeeded yet")

// Run reconciles the period against the config's warehouse and writes
// reconcile.csv and cost_value_by_month.csv under
// <output_dir>/finance/<period>/, with rejected.csv when a reader rejected
// records. It reads the cost source files first and only then opens the
// warehouse: a DuckDB file read-only under the shared lock of the output
// directory, so a run started meanwhile waits for the queries instead of
// failing; BigQuery is only queried. It writes no file when reading fails,
// and returns an error wrapping ErrDifference, after writing the files,
// when any loaded total differs from its source total.
func Run(ctx context.Context, cfg *config.Config, p Period, opts Options) (*Result, error) {
	// The shared lock on the output directory is held until the files are
	// written: a run waits for it, so the run's sweep of temporary files
	// cannot remove a file that reconcile is writing, and for a DuckDB
	// warehouse no run holds the database file meanwhile.
	outDir := cfg.Resolve(cfg.OutputDir)
	lock, err := run.LockForReading(ctx, outDir, opts.LockWait)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	source, err := readSourceTotals(ctx, cfg, p)
	if err != nil {
		return nil, err
	}
	wh, err := readWarehouse(ctx, cfg, p, opts)
	if err != nil {
		return nil, err
	}
	report := newReport(p, source, wh.loaded)
	res := &Result{Report: report, WarehousePath: wh.where}
	if res.ReconcileCSV, err = report.WriteCSV(outDir); err != nil {
		return res, err
	}
	if res.CostValueCSV, err = wh.costValue.write(p, outDir); err != nil {
		return res, err
	}
	if report.RejectedCSV, err = report.WriteRejects(outDir); err != nil {
		return res, err
	}
	if diffs := report.Differences(); len(diffs) > 0 {
		return res, fmt.Errorf("%w: %d of %d rows of %s differ; see %s", ErrDifference,
			len(diffs), len(report.Rows), p.Label, res.ReconcileCSV)
	}
	return res, nil
}

// warehouseData is the data that reconcile reads from the warehouse.
type warehouseData struct {
	where     string
	loaded    map[totalKey]*amounts
	costValue *costValueData
}

// readWarehouse opens the warehouse, reads the loaded cost totals and the
// cost and value rows of the period, and closes it. The caller holds the
// shared lock on the output directory.
func readWarehouse(ctx context.Context, cfg *config.Config, p Period, opts Options) (*warehouseData, error) {
	store, where, closeStore, err := openStore(ctx, cfg, opts.Endpoints)
	if err != nil {
		return nil, err
	}
	defer closeStore()
	loaded, err := readLoadedTotals(ctx, store, p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", run.ErrWarehouse, where, err)
	}
	data, err := readCostValue(ctx, store, p)
	if errors.Is(err, errNoRun) {
		return nil, fmt.Errorf("%w: warehouse %s: %w: run `evidencepack run` first, then reconcile %s",
			run.ErrWarehouse, where, err, p.Label)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", run.ErrWarehouse, where, err)
	}
	return &warehouseData{where: where, loaded: loaded, costValue: data}, nil
}

// openStore opens the warehouse that cfg.Warehouse.Kind selects and
// returns it, where it is, and a function that closes it.
func openStore(ctx context.Context, cfg *config.Config, endpoints warehouse.Endpoints) (Store, string, func(), error) {
	switch cfg.Warehouse.Kind {
	case "duckdb":
		path := cfg.Resolve(cfg.Warehouse.Path)
		db, err := OpenWarehouse(ctx, path)
		if err != nil {
			return Store{}, "", nil, err
		}
		return DuckDBStore(db), path, func() { db.Close() }, nil
	case "bigquery":
		w, err := warehouse.OpenBigQuery(ctx, warehouse.BigQueryConfigOf(cfg), endpoints)
		if err != nil {
			return Store{}, "", nil, fmt.Errorf("%w: %w", run.ErrWarehouse, err)
		}
		where := cfg.Warehouse.Project + "." + cfg.Warehouse.Dataset
		return Store{Querier: w, Dialect: w.Dialect()}, where, func() { w.Close() }, nil
	}
	return Store{}, "", nil, fmt.Errorf("%w: warehouse kind %q is not supported; use duckdb or bigquery",
		config.ErrInvalid, cfg.Warehouse.Kind)
}

// OpenWarehouse opens the DuckDB file read-only, so reconciling never
// changes the warehouse. The open fails while a run has the file
// open for writing, because DuckDB allows one writing process per file.
func OpenWarehouse(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: warehouse %s not found: run `evidencepack run` first", run.ErrWarehouse, path)
		}
		return nil, fmt.Errorf("%w: %w", run.ErrWarehouse, err)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY")
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %w", run.ErrWarehouse, path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: open %s: %w", run.ErrWarehouse, path, err)
	}
	return db, nil
}
