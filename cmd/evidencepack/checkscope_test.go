package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckCommandWindowFlag(t *testing.T) {
	dir := migrateWorkspace(t)
	alterWarehouse(t, dir, `INSERT INTO cost_lines (line_id, account_id, charge_period_start, charge_period_end,
		billed_cost, currency, source, dt) VALUES ('old-1', 'nobody', TIMESTAMP '2026-05-15 00:00:00',
		TIMESTAMP '2026-05-16 00:00:00', 1, 'USD', 'cloud_bill', DATE '2026-05-15')`)

	r := runCLI(t, dir, "check", "--config", "costs.yaml")
	if r.code != 8 || !strings.Contains(r.stderr, "check cost_lines.account_id.relationships on cost_lines: 1 failing rows") {
		t.Errorf("check of the whole table: exit %d, want 8 naming the old row\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, dir, "check", "--config", "costs.yaml", "--window")
	if r.code != 0 {
		t.Errorf("check --window: exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03")
	if r.code != 0 {
		t.Errorf("run with the default checks_scope window: exit %d, want 0\n%s", r.code, r.stderr)
	}
	table := strings.Replace(checkConfig, "FRESH", "240h", 1) + "checks_scope: table\n"
	if err := os.WriteFile(filepath.Join(dir, "table.yaml"), []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, dir, "run", "--config", "table.yaml", "--from", "2026-06-01", "--to", "2026-06-03")
	if r.code != 8 {
		t.Errorf("run with checks_scope table: exit %d, want 8\n%s", r.code, r.stderr)
	}
}
