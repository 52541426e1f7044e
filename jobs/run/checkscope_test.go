package run

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"evidencepack/config"
)

// insertBadCostLine adds a cost line without a line_id dated 2026-05-15,
// outside the window of the tests, as a bad partition of an old run
// would leave it.
func insertBadCostLine(t *testing.T, cfg *config.Config) {
	t.Helper()
	db, err := sql.Open("duckdb", cfg.Resolve(cfg.Warehouse.Path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO cost_lines (line_id, charge_period_start, charge_period_end, account_id,
		billed_cost, currency, source, dt) VALUES (NULL, TIMESTAMP '2026-05-15 00:00:00',
		TIMESTAMP '2026-05-16 00:00:00', 'acme', 1, 'USD', 'cloud_bill', DATE '2026-05-15')`); err != nil {
		t.Fatal(err)
	}
}

func findCheck(m *Manifest, name string) (string, int64) {
	for _, c := range m.Checks {
		if c.Name == name {
			return c.Status, c.FailingCount
		}
	}
	return "missing", 0
}

func TestCheckScopeWindowIgnoresOldPartition(t *testing.T) {
	dir := t.TempDir()
	cfg := freshCostConfig(t, dir, "{warn_after: 240h}")
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(3, 0, ""))
	runWindow(t, cfg, "2026-06-01", "2026-06-03")
	insertBadCostLine(t, cfg)

	m := runWindow(t, cfg, "2026-06-01", "2026-06-03")
	if status, n := findCheck(m, "cost_lines.not_null"); status != "passed" {
		t.Errorf("cost_lines.not_null with scope window: %s with %d rows, want passed", status, n)
	}

	cfg.ChecksScope = config.ScopeTable
	m, err := Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-03")})
	if !errors.Is(err, ErrCheck) {
		t.Fatalf("run with checks_scope table: error %v, want ErrCheck", err)
	}
	if status, n := findCheck(m, "cost_lines.not_null"); status != "failed" || n != 1 {
		t.Errorf("cost_lines.not_null with scope table: %s with %d rows, want failed with 1", status, n)
	}
}

func TestCheckScopePerCheckOverride(t *testing.T) {
	dir := t.TempDir()
	cfg := freshCostConfig(t, dir, "{warn_after: 240h}")
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(3, 0, ""))
	runWindow(t, cfg, "2026-06-01", "2026-06-03")
	insertBadCostLine(t, cfg)

	// The built-in check gets scope table and severity warn, and a
	// custom_sql check reads the old row whatever checks_scope is set to.
	cfg.Checks = []config.Check{
		{Name: "cost_lines.not_null", Scope: config.ScopeTable, Severity: config.SeverityWarn},
		{Name: "null lines", Kind: config.CheckCustomSQL, Severity: config.SeverityWarn,
			SQL: "SELECT * FROM cost_lines WHERE line_id IS NULL"},
	}
	m := runWindow(t, cfg, "2026-06-01", "2026-06-03")
	if status, _ := findCheck(m, "cost_lines.not_null"); status != "failed" {
		t.Errorf("cost_lines.not_null with scope table: %s, want failed", status)
	}
	if status, _ := findCheck(m, "null lines"); status != "failed" {
		t.Errorf("custom_sql check: %s, want failed on the old row", status)
	}
	if status, _ := findCheck(m, "cost_lines.account_id.relationships"); status != "passed" {
		t.Errorf("cost_lines.account_id.relationships: %s, want passed", status)
	}
}
