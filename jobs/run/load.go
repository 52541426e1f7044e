package run

import (
	"context"
	"fmt"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
	"evidencepack/transforms"
)

// openWarehouse opens the warehouse of the config, creates the tables
// that are missing and adds the columns they lack. A DuckDB table that
// needs `evidencepack migrate`, or a BigQuery table that drifted, fails it
// before anything is written. For DuckDB it also sets r.wh, which the
// renderer reads through database/sql.
func (r *runner) openWarehouse(ctx context.Context) error {
	if r.store != nil {
		return nil
	}
	if r.cfg.Warehouse.Kind != "duckdb" && r.cfg.Warehouse.Kind != "bigquery" {
		return stepErr("load", config.ErrInvalid, fmt.Errorf(
			"warehouse kind %q is not supported; use duckdb or bigquery", r.cfg.Warehouse.Kind))
	}
	store, err := warehouse.Open(ctx, r.cfg, r.endpoints)
	if err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	if err := store.EnsureTables(ctx); err != nil {
		store.Close()
		if warehouse.IsSchemaError(err) {
			return stepErr("load", nil, err)
		}
		return stepErr("load", ErrWarehouse, err)
	}
	r.store = store
	r.wh, _ = store.(*warehouse.DuckDB)
	return nil
}

// closeWarehouse closes the warehouse if it is open.
func (r *runner) closeWarehouse() {
	if r.store != nil {
		r.store.Close()
	}
	r.store, r.wh = nil, nil
}

func toStatements(in []evsql.Statement) []warehouse.Statement {
	out := make([]warehouse.Statement, len(in))
	for i, s := range in {
		out[i] = warehouse.Statement{Name: s.Name, SQL: s.SQL}
	}
	return out
}

// load replaces the window's partitions of every fact table, the
// partitions outside the window that sources with replace: input_dates
// cover, the accounts, the pack settings and the views, and stores the
// marks of live sources. DuckDB does it in one transaction. BigQuery uses
// one load job per table and date and appends the marks after every
// other job succeeded.
func (r *runner) load(ctx context.Context) error {
	if err := r.openWarehouse(ctx); err != nil {
		return err
	}
	var window []time.Time
	for d := r.from; !d.After(r.to); d = d.AddDate(0, 0, 1) {
		window = append(window, d)
	}
	var loads []warehouse.TableLoad
	for _, table := range transforms.Tables {
		loads = append(loads, warehouse.TableLoad{Table: table, Dates: window,
			SourceDates: r.sourceDates[table], Files: r.written[table]})
	}
	dialect := r.store.Dialect()
	views, err := evsql.Views(dialect)
	if err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	if r.manifest.ViewsSHA256, err = evsql.ViewsSHA256(dialect); err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	last, ok, err := latestDataThrough(ctx, r.store, dialect)
	if err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	if ok {
		r.dataThrough = last
	}
	batch := warehouse.Batch{
		RunID: r.provisionalRunID(), FactsDir: r.factsDir(), Tables: loads,
		Accounts: r.cfg.Accounts, Settings: warehouse.PackSettings(r.packSettingsRow()),
		Views: toStatements(views), SourceMarks: r.sourceMarks(),
	}
	if err := r.store.Load(ctx, batch); err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	r.log.Debug("load committed", "tables", len(loads))
	return nil
}
