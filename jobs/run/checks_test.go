package run

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"evidencepack/config"
	"evidencepack/jobs/checks"
)

// freshCostConfig writes a config with the FOCUS source cloud_bill and the
// given freshness line, and loads it.
func freshCostConfig(t *testing.T, dir, freshness string) *config.Config {
	t.Helper()
	text := `output_dir: out
accounts:
  - id: acme
    name: Acme
    currency: USD
sources:
  - name: cloud_bill
    kind: costs
    format: focus
    paths: [bill/*.csv]
    attribution: {sub_accounts: {"111": acme}}
    freshness: ` + freshness + `
pack:
  period: month
  formats: [json]
`
	path := filepath.Join(dir, "costs.yaml")
	writeText(t, path, text)
	cfg, err := config.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

func TestStaleSourceFailsRun(t *testing.T) {
	dir := t.TempDir()
	cfg := freshCostConfig(t, dir, "{warn_after: 36h, error_after: 72h}")
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(26, 0, ""))
	m, err := Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-30")})
	if !errors.Is(err, ErrCheck) {
		t.Fatalf("run error = %v, want ErrCheck", err)
	}
	want := "source cloud_bill: newest cost line is 5d older than the end of the window 2026-06-30 (error_after 72h)"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to contain %q", err, want)
	}
	if m.FailedStep != "check" || len(m.Freshness) != 1 || !m.Freshness[0].Blocking() {
		t.Errorf("manifest: failed step %q, freshness %+v; want step check with one blocking source", m.FailedStep, m.Freshness)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "packs")); !os.IsNotExist(err) {
		t.Errorf("packs directory exists after a failed check (stat error %v); render must not run", err)
	}
	db := openWarehouseReadOnly(t, cfg)
	var loaded int
	if err := db.QueryRow("SELECT COUNT(*) FROM cost_lines").Scan(&loaded); err != nil || loaded != 26 {
		t.Errorf("cost_lines = %d (%v), want the 26 loaded lines kept", loaded, err)
	}
}

func TestStaleSourceWarningNotesPack(t *testing.T) {
	dir := t.TempDir()
	cfg := freshCostConfig(t, dir, "{warn_after: 36h}")
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(26, 0, ""))
	m := runWindow(t, cfg, "2026-06-01", "2026-06-30")
	if len(m.Freshness) != 1 || m.Freshness[0].Severity != config.SeverityWarn {
		t.Fatalf("freshness = %+v, want one warning", m.Freshness)
	}
	pack, err := os.ReadFile(filepath.Join(dir, "out", "packs", "2026-06", "acme.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := "Figures from cost_lines after 2026-06-26 00:00 UTC rest on stale data: source cloud_bill: newest cost line is 5d older"
	if !strings.Contains(string(pack), want) {
		t.Errorf("pack has no stale note %q:\n%s", want, pack)
	}
}

func TestCheckFailureRecorded(t *testing.T) {
	dir := t.TempDir()
	cfg := freshCostConfig(t, dir, "{warn_after: 240h}")
	cfg.Checks = []config.Check{{Name: "small bills", Kind: config.CheckCustomSQL, Severity: config.SeverityWarn,
		SQL: "SELECT line_id, billed_cost FROM cost_lines WHERE billed_cost < 2"}}
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(3, 2, "5.00"))
	m := runWindow(t, cfg, "2026-06-01", "2026-06-03")
	var found bool
	for _, c := range m.Checks {
		if c.Name == "small bills" {
			found = true
			if c.FailingCount != 2 || !strings.Contains(string(c.Sample), `"billed_cost"`) {
				t.Errorf("small bills: %d failing, sample %s; want 2 with billed_cost", c.FailingCount, c.Sample)
			}
		}
	}
	if !found {
		t.Fatal("manifest has no result for the configured check")
	}
	db := openWarehouseReadOnly(t, cfg)
	var status string
	var count int
	err := db.QueryRow(`SELECT status, failing_count FROM check_results WHERE run_id = ? AND check_name = 'small bills'`,
		m.RunID).Scan(&status, &count)
	if err != nil || status != "failed" || count != 2 {
		t.Errorf("check_results row: %s %d (%v), want failed 2", status, count, err)
	}
}

func TestDroppedSourceColumnStopsBeforeWrite(t *testing.T) {
	dir := t.TempDir()
	cfg := freshCostConfig(t, dir, "{warn_after: 240h}")
	bill := filepath.Join(dir, "bill", "june.csv")
	writeText(t, bill, monthToDate(3, 0, ""))
	runWindow(t, cfg, "2026-06-01", "2026-06-03")
	facts := factSnapshot(t, dir)

	// Drop ServiceName, the last but one column, and change an amount.
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(monthToDate(3, 2, "9.00")), "\n") {
		cells := strings.Split(line, ",")
		b.WriteString(strings.Join(append(cells[:6:6], cells[7]), ",") + "\n")
	}
	writeText(t, bill, b.String())
	m, err := Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-03")})
	if !errors.Is(err, ErrInput) || m.FailedStep != "contract" {
		t.Fatalf("run error = %v at step %q, want ErrInput at step contract", err, m.FailedStep)
	}
	if !strings.Contains(err.Error(), "input column ServiceName (type text (CSV), read into service) is missing") {
		t.Errorf("error = %q, want it to name the column", err)
	}
	if got := factSnapshot(t, dir); got != facts {
		t.Errorf("facts changed after a failed contract step:\nbefore %s\nafter  %s", facts, got)
	}
	var total string
	if err := openWarehouseReadOnly(t, cfg).QueryRow("SELECT CAST(SUM(billed_cost) AS VARCHAR) FROM cost_lines").Scan(&total); err != nil ||
		!strings.HasPrefix(total, "3.") {
		t.Errorf("warehouse total = %s (%v), want the first run's 3.00", total, err)
	}
}

// factSnapshot lists the Parquet files under out/facts with their sizes
// and modification times.
func factSnapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(filepath.Join(dir, "out", "facts"), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b.WriteString(path + " " + info.ModTime().String() + "\n")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCompareSchemasRetypedParquetColumn(t *testing.T) {
	src := config.Source{Name: "cloud_bill", Format: "focus"}
	old := &InputSchema{Columns: []InputColumn{{Name: "BilledCost", Type: "Decimal(precision=38, scale=10)"}, {Name: "Extra", Type: "INT64"}}}
	added := &InputSchema{Columns: []InputColumn{{Name: "BilledCost", Type: "Decimal(precision=38, scale=10)"}, {Name: "New", Type: "INT64"}}}
	if err := compareSchemas(src, "run-a", old, added); err != nil {
		t.Errorf("an added column and a dropped unmapped one fail: %v", err)
	}
	retyped := &InputSchema{Columns: []InputColumn{{Name: "BilledCost", Type: "DOUBLE"}}}
	err := compareSchemas(src, "run-a", old, retyped)
	want := "input column BilledCost changed type from Decimal(precision=38, scale=10) to DOUBLE since run run-a"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// TestCheckReportBlockingNamesNoStoredRows checks the message of
// `evidencepack check`, which stores nothing: it names the failed check
// and not the check_results table that a run writes.
func TestCheckReportBlockingNamesNoStoredRows(t *testing.T) {
	report := CheckReport{Checks: []checks.Result{
		{Name: "no negative cost", Table: "cost_lines", Severity: config.SeverityError,
			Status: checks.StatusFailed, FailingCount: 3},
		{Name: "small bills", Table: "cost_lines", Severity: config.SeverityWarn,
			Status: checks.StatusFailed, FailingCount: 2},
	}}
	err := report.Blocking()
	if !errors.Is(err, ErrCheck) {
		t.Fatalf("Blocking = %v, want ErrCheck", err)
	}
	if want := "check no negative cost on cost_lines: 3 failing rows"; !strings.Contains(err.Error(), want) {
		t.Errorf("Blocking = %q, want it to contain %q", err, want)
	}
	if strings.Contains(err.Error(), "check_results") || strings.Contains(err.Error(), "small bills") {
		t.Errorf("Blocking = %q, want neither check_results nor the warn check", err)
	}
}
