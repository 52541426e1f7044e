package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
	"evidencepack/transforms"
)

// runsTable records every run in the warehouse.
const runsTable = `CREATE TABLE IF NOT EXISTS runs (
  run_id VARCHAR,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  status VARCHAR,
  failed_step VARCHAR,
  error VARCHAR,
  date_from DATE,
  date_to DATE,
  config_sha256 VARCHAR,
  inputs_sha256 VARCHAR,
  views_sha256 VARCHAR,
  manifest VARCHAR
)`

// addLearningPermitted adds the last column of accounts to a warehouse
// created before the column existed, since CREATE TABLE IF NOT EXISTS
// keeps an existing table as it is.
var addLearningPermitted = warehouse.Statement{
	Name: "accounts.learning_permitted",
	SQL:  "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS learning_permitted BOOLEAN",
}

// openWarehouse opens the DuckDB file and creates the tables that are
// missing.
func (r *runner) openWarehouse(ctx context.Context) error {
	if r.wh != nil {
		return nil
	}
	if r.cfg.Warehouse.Kind != "duckdb" {
		return stepErr("load", config.ErrInvalid, fmt.Errorf(
			"warehouse kind %q is not supported by this build; use duckdb", r.cfg.Warehouse.Kind))
	}
	path := r.cfg.Resolve(r.cfg.Warehouse.Path)
	if err := os.MkdirAll(filepath.Dir(path), transforms.DirMode); err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	wh, err := warehouse.OpenDuckDB(ctx, path)
	if err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	tables, err := evsql.Tables(evsql.DuckDB())
	if err != nil {
		wh.Close()
		return stepErr("load", ErrWarehouse, err)
	}
	stmts := append(toStatements(tables), warehouse.Statement{Name: "runs", SQL: runsTable},
		addLearningPermitted)
	if err := wh.Exec(ctx, stmts); err != nil {
		wh.Close()
		return stepErr("load", ErrWarehouse, err)
	}
	r.wh = wh
	return nil
}

func toStatements(in []evsql.Statement) []warehouse.Statement {
	out := make([]warehouse.Statement, len(in))
	for i, s := range in {
		out[i] = warehouse.Statement{Name: s.Name, SQL: s.SQL}
	}
	return out
}

// load replaces, in one transaction, the window's partitions of every fact
// table, the partitions outside the window that sources with replace:
// input_dates cover, the accounts, the pack settings and the views.
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
	views, err := evsql.Views(evsql.DuckDB())
	if err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	if r.manifest.ViewsSHA256, err = evsql.ViewsSHA256(evsql.DuckDB()); err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	extra := append(accountStatements(r.cfg), r.packSettings()...)
	extra = append(extra, toStatements(views)...)
	if err := r.wh.Replace(ctx, loads, extra); err != nil {
		return stepErr("load", ErrWarehouse, err)
	}
	r.log.Debug("load committed", "tables", len(loads))
	return nil
}

// accountStatements replace the account dimensions with the config's.
func accountStatements(cfg *config.Config) []warehouse.Statement {
	stmts := []warehouse.Statement{
		{Name: "clear accounts", SQL: "DELETE FROM accounts"},
		{Name: "clear account_workflows", SQL: "DELETE FROM account_workflows"},
	}
	for _, a := range cfg.Accounts {
		stmts = append(stmts, warehouse.Statement{
			Name: "account " + a.ID,
			SQL: `INSERT INTO accounts VALUES (?, ?, ?, CAST(NULLIF(?, '') AS DATE),
				CAST(NULLIF(?, '') AS DECIMAL(38,18)), ?)`,
			Args: []any{a.ID, a.Name, a.Currency, a.RenewalDate, a.AnnualContractValue, a.LearningPermitted},
		})
		for _, w := range a.Workflows {
			stmts = append(stmts, warehouse.Statement{
				Name: "workflow " + a.ID + "/" + w.Name,
				SQL: `INSERT INTO account_workflows VALUES (?, ?, ?, ?,
					CAST(NULLIF(?, '') AS DECIMAL(38,18)), NULLIF(?, ''), ?)`,
				Args: []any{a.ID, w.Name, w.BaselineHandleTimeSeconds, w.BaselineReopenRate,
					w.HourlyCostRate, w.AutonomyLevel, w.Trial},
			})
		}
	}
	return stmts
}

// packSettings stores the pack parameters the views read. Facts are
// complete to the end of the window's last date.
func (r *runner) packSettings() []warehouse.Statement {
	p := r.cfg.Pack
	e := p.Expansion
	through := r.to.AddDate(0, 0, 1).Add(-time.Microsecond)
	return []warehouse.Statement{
		{Name: "clear pack_settings", SQL: "DELETE FROM pack_settings"},
		{
			Name: "pack_settings",
			SQL:  "INSERT INTO pack_settings VALUES (?, ?, ?, ?, ?, ?, ?)",
			Args: []any{p.VerificationWindowDays, through, e.MinReviewedCases, e.MinReviewAccuracy,
				e.MaxSev1Incidents, e.MaxIncidents, e.MinUsageGrowth},
		},
	}
}
