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
	"evidencepack/jobs/run"
)

// Result is a reconciliation with the finance files written for it.
type Result struct {
	Report        *Report
	ReconcileCSV  string
	CostValueCSV  string
	WarehousePath string
}

// Run reconciles the period against the config's DuckDB warehouse, opened
// read-only, and writes reconcile.csv and cost_value_by_month.csv under
// <output_dir>/finance/<period>/. It returns an error wrapping
// ErrDifference, after writing both files, when any loaded total differs
// from its source total.
func Run(ctx context.Context, cfg *config.Config, p Period) (*Result, error) {
	// TODO: reconcile against BigQuery once this package can query it.
	if cfg.Warehouse.Kind != "duckdb" {
		return nil, fmt.Errorf("%w: reconcile reads a DuckDB warehouse only, not warehouse.kind %q",
			config.ErrInvalid, cfg.Warehouse.Kind)
	}
	path := cfg.Resolve(cfg.Warehouse.Path)
	db, err := OpenWarehouse(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	report, err := Reconcile(ctx, cfg, db, p)
	if err != nil {
		return nil, err
	}
	res := &Result{Report: report, WarehousePath: path}
	outDir := cfg.Resolve(cfg.OutputDir)
	if res.ReconcileCSV, err = report.WriteCSV(outDir); err != nil {
		return res, err
	}
	if res.CostValueCSV, err = WriteCostValue(ctx, db, p, outDir); err != nil {
		return res, fmt.Errorf("%w: %w", run.ErrWarehouse, err)
	}
	if diffs := report.Differences(); len(diffs) > 0 {
		return res, fmt.Errorf("%w: %d of %d rows of %s differ; see %s", ErrDifference,
			len(diffs), len(report.Rows), p.Label, res.ReconcileCSV)
	}
	return res, nil
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
