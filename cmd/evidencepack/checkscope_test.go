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

func TestCheckResultsInTextfileAndLineage(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bill"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bill", "june.csv"), []byte(checkBill), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(checkConfig, "FRESH", "240h", 1) + `observability:
  metrics_textfile: out/evidencepack.prom
  lineage: {file: out/lineage.jsonl}
`
	if err := os.WriteFile(filepath.Join(dir, "costs.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	prom, err := os.ReadFile(filepath.Join(dir, "out", "evidencepack.prom"))
	if err != nil {
		t.Fatal(err)
	}
	// The newest cost line starts on June 2, two days before the end of
	// the window on June 3.
	for _, want := range []string{
		`evidencepack_checks{severity="error",status="passed",table="cost_lines"} 3`,
		`evidencepack_checks{severity="error",status="failed",table="cost_lines"} 0`,
		`evidencepack_source_freshness_age_seconds{source="cloud_bill"} 172800`,
	} {
		if !strings.Contains(string(prom), want) {
			t.Errorf("textfile has no %q:\n%s", want, prom)
		}
	}
	lineage, err := os.ReadFile(filepath.Join(dir, "out", "lineage.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lineage), `"dataQualityAssertions"`) ||
		!strings.Contains(string(lineage), `{"assertion":"cost_lines.unique","column":"line_id","success":true,"table":"cost_lines"}`) {
		t.Errorf("lineage COMPLETE event lacks the check assertions:\n%s", lineage)
	}
}
