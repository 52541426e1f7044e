package warehouse

import (
	"context"

	"evidencepack/config"
	evsql "evidencepack/sql"
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

// Dialect returns the DuckDB dialect.
func (w *DuckDB) Dialect() evsql.Dialect { return evsql.DuckDB() }

// Load replaces the partitions, the accounts, the pack settings, the
// views and the marks of live sources in one transaction. Views that are
// up to date are left as they are (see viewStatements).
func (w *DuckDB) Load(ctx context.Context, b Batch) error {
	views, err := w.viewStatements(ctx, b.Views)
	if err != nil {
		return err
	}
	extra := append(AccountStatements(b.Accounts), SettingsStatements(b.Settings)...)
	extra = append(extra, views...)
	extra = append(extra, b.Extra...)
	extra = append(extra, sourceStateStatements(b.RunID, b.SourceMarks)...)
	return w.Replace(ctx, b.Tables, extra)
}

// RecordRun inserts the run into the runs table.
func (w *DuckDB) RecordRun(ctx context.Context, m RunRecord) error {
	return w.Exec(ctx, []Statement{{
		Name: "record run",
		SQL:  `INSERT INTO runs VALUES (?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?, ?, ?, ?)`,
		Args: []any{m.RunID, m.StartedAt, m.FinishedAt, m.Status, m.FailedStep, m.Error,
			m.From, m.To, m.ConfigSHA256, m.InputsSHA256, m.ViewsSHA256, m.Manifest},
	}})
}

// Query runs a query on the database.
func (w *DuckDB) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	return w.db.QueryContext(ctx, query, args...)
}

// AccountStatements replace the account dimensions with accounts.
func AccountStatements(accounts []config.Account) []Statement {
	stmts := []Statement{
		{Name: "clear accounts", SQL: "DELETE FROM accounts"},
		{Name: "clear account_workflows", SQL: "DELETE FROM account_workflows"},
	}
	for _, a := range accounts {
		stmts = append(stmts, Statement{
			Name: "account " + a.ID,
			SQL: `INSERT INTO accounts VALUES (?, ?, ?, CAST(NULLIF(?, '') AS DATE),
				CAST(NULLIF(?, '') AS DECIMAL(38,18)), ?, NULLIF(?, ''))`,
			Args: []any{a.ID, a.Name, a.Currency, a.RenewalDate, a.AnnualContractValue, a.LearningPermitted, a.TimeZone},
		})
		for _, wf := range a.Workflows {
			stmts = append(stmts, Statement{
				Name: "workflow " + a.ID + "/" + wf.Name,
				SQL: `INSERT INTO account_workflows VALUES (?, ?, ?, ?,
					CAST(NULLIF(?, '') AS DECIMAL(38,18)), NULLIF(?, ''), ?)`,
				Args: []any{a.ID, wf.Name, wf.BaselineHandleTimeSeconds, wf.BaselineReopenRate,
					wf.HourlyCostRate, wf.AutonomyLevel, wf.Trial},
			})
		}
	}
	return stmts
}

// SettingsStatements replace the one row of pack_settings.
func SettingsStatements(s PackSettings) []Statement {
	return []Statement{
		{Name: "clear pack_settings", SQL: "DELETE FROM pack_settings"},
		{
			Name: "pack_settings",
			SQL:  "INSERT INTO pack_settings VALUES (?, ?, ?, ?, ?, ?, ?)",
			Args: []any{s.VerificationWindowDays, s.DataThrough, s.MinReviewedCases, s.MinReviewAccuracy,
				s.MaxSev1Incidents, s.MaxIncidents, s.MinUsageGrowth},
		},
	}
}
