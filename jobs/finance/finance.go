package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

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

// Run reconciles the period against the config's warehouse and writes
// reconcile.csv and cost_value_by_month.csv under
// <output_dir>/finance/<period>/. A DuckDB warehouse is opened read-only;
// BigQuery is only queried. endpoints point the BigQuery client at a fake
// in tests. It returns an error wrapping ErrDifference, after writing both
// files, when any loaded total differs from its source total.
func Run(ctx context.Context, cfg *config.Config, p Period, endpoints warehouse.Endpoints) (*Result, error) {
	store, where, closeStore, err := openStore(ctx, cfg, endpoints)
	if err != nil {
		return nil, err
	}
	defer closeStore()
	report, err := Reconcile(ctx, cfg, store, p)
	if err != nil {
		return nil, err
	}
	res := &Result{Report: report, WarehousePath: where}
	outDir := cfg.Resolve(cfg.OutputDir)
	if res.ReconcileCSV, err = report.WriteCSV(outDir); err != nil {
		return res, err
	}
	if res.CostValueCSV, err = WriteCostValue(ctx, store, p, outDir); err != nil {
		return res, fmt.Errorf("%w: %w", run.ErrWarehouse, err)
	}
	if diffs := report.Differences(); len(diffs) > 0 {
		return res, fmt.Errorf("%w: %d of %d rows of %s differ; see %s", ErrDifference,
			len(diffs), len(report.Rows), p.Label, res.ReconcileCSV)
	}
	return res, nil
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
