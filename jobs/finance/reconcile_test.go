package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"evidencepack/config"
	"evidencepack/jobs/demo"
	"evidencepack/jobs/run"
	"evidencepack/transforms"
)

// realdataDir holds public sample exports; tests that read it skip when it
// is absent.
const realdataDir = "../../../shared/realdata"

var q3 = Period{Label: "2026-Q3", Grain: "quarter",
	Start: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}

// sharedDemo is one demo run over 2026-Q3, shared by the tests because a
// run takes tens of seconds. Tests that change the warehouse work on a copy.
var sharedDemo struct {
	once sync.Once
	dir  string
	cfg  *config.Config
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDemo.dir != "" {
		os.RemoveAll(sharedDemo.dir)
	}
	os.Exit(code)
}

// demoRun returns the config of the shared demo run, with its output
// directory and warehouse copied into a fresh temporary directory.
func demoRun(t *testing.T) *config.Config {
	t.Helper()
	sharedDemo.once.Do(func() {
		sharedDemo.dir, sharedDemo.err = os.MkdirTemp("", "finance-demo-")
		if sharedDemo.err == nil {
			sharedDemo.cfg, sharedDemo.err = runDemo(sharedDemo.dir)
		}
	})
	if sharedDemo.err != nil {
		t.Fatalf("demo run: %v", sharedDemo.err)
	}
	cfg := *sharedDemo.cfg
	out := t.TempDir()
	data, err := os.ReadFile(cfg.Resolve(cfg.Warehouse.Path))
	if err != nil {
		t.Fatal(err)
	}
	cfg.OutputDir = out
	cfg.Warehouse.Path = filepath.Join(out, "warehouse.duckdb")
	if err := os.WriteFile(cfg.Warehouse.Path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return &cfg
}

// runDemo writes the demo inputs under dir and runs the demo config over
// 2026-Q3.
func runDemo(dir string) (*config.Config, error) {
	ctx := context.Background()
	if _, err := demo.Generate(ctx, filepath.Join(dir, "out", "demo-input"), demo.Options{}); err != nil {
		return nil, fmt.Errorf("generate demo inputs: %w", err)
	}
	raw, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		return nil, err
	}
	return loadAndRun(filepath.Join(dir, "config"), raw, q3)
}

// loadAndRun writes the config text to dir/config.yaml, loads it and runs
// it over the period.
func loadAndRun(dir string, raw []byte, p Period) (*config.Config, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		return nil, err
	}
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	m, err := run.Run(context.Background(), cfg, run.Options{From: p.Start, To: p.LastDay(), ConfigBytes: raw})
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", p.Label, err)
	}
	if m.Status != run.StatusSucceeded {
		return nil, fmt.Errorf("run status = %s", m.Status)
	}
	return cfg, nil
}

func checkNoDifference(t *testing.T, res *Result) {
	t.Helper()
	for _, row := range res.Report.Rows {
		if !row.Difference.IsZero() {
			t.Errorf("%s %s: loaded %s, source %s, difference %s", row.AccountID, row.Currency,
				row.LoadedBilled, row.SourceBilled, row.Difference)
		}
		if row.SourceLines != row.LoadedLines {
			t.Errorf("%s %s: %d source lines, %d loaded lines", row.AccountID, row.Currency,
				row.SourceLines, row.LoadedLines)
		}
	}
}

// totals returns the attributed and unattributed amounts summed over the
// currency total rows.
func totals(rows []Row) (attributed, unattributed decimal.Decimal) {
	for _, row := range rows {
		if row.AccountID == AllAccounts {
			attributed = attributed.Add(row.Attributed)
			unattributed = unattributed.Add(row.Unattributed)
		}
	}
	return attributed, unattributed
}

func TestReconcileDemoQuarter(t *testing.T) {
	cfg := demoRun(t)
	res, err := Run(context.Background(), cfg, q3, Options{})
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	checkNoDifference(t, res)
	attributed, unattributed := totals(res.Report.Rows)
	if !attributed.IsPositive() {
		t.Errorf("attributed total = %s, want above zero", attributed)
	}
	if !unattributed.IsPositive() {
		t.Errorf("unattributed total = %s, want above zero", unattributed)
	}
	for _, path := range []string{res.ReconcileCSV, res.CostValueCSV} {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("finance file: %v", err)
		}
	}
}

func TestReconcileTamperedRow(t *testing.T) {
	cfg := demoRun(t)
	tamperOneLine(t, cfg.Resolve(cfg.Warehouse.Path))
	res, err := Run(context.Background(), cfg, q3, Options{})
	if !errors.Is(err, ErrDifference) {
		t.Fatalf("reconcile error = %v, want ErrDifference", err)
	}
	diffs := res.Report.Differences()
	want := decimal.RequireFromString("0.000000000001")
	var accountRows int
	for _, row := range diffs {
		if !row.Difference.Equal(want) {
			t.Errorf("%s %s: difference %s, want %s", row.AccountID, row.Currency, row.Difference, want)
		}
		if row.AccountID != AllAccounts {
			accountRows++
		}
	}
	if accountRows != 1 || len(diffs) != 2 {
		t.Errorf("rows with a difference = %d (%d account rows), want one account row and its currency total",
			len(diffs), accountRows)
	}
	data, err := os.ReadFile(res.ReconcileCSV)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), ",0.000000000001,") {
		t.Errorf("reconcile.csv does not carry the difference 0.000000000001:\n%s", data)
	}
}

// tamperOneLine adds 10^-12 to the billed cost of one attributed cost line
// of 2026-08 in the warehouse file.
func tamperOneLine(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE cost_lines SET billed_cost = billed_cost + 0.000000000001
		WHERE line_id = (SELECT MIN(line_id) FROM cost_lines
			WHERE dt BETWEEN DATE '2026-08-01' AND DATE '2026-08-31' AND account_id <> 'unattributed')`)
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tamper changed %d rows, want 1", n)
	}
}

// realFOCUSConfig reads the public FOCUS 1.0 sample of September 2024 and
// attributes lines by the application tag; lines without it stay
// unattributed. The tag names many applications that are not configured
// accounts, so the check that cost line accounts exist is disabled.
const realFOCUSConfig = `output_dir: out
checks_disabled: [cost_lines.account_id.relationships]
accounts:
  - id: BrightPathMatrix
    name: Bright Path Matrix
    currency: USD
sources:
  - name: focus_sample
    kind: costs
    format: focus
    paths: [%s]
    attribution:
      tag_key: application
`

func TestReconcileRealFOCUSSample(t *testing.T) {
	file, err := filepath.Abs(filepath.Join(realdataDir, "costs", "focus-1.0_sample-data_1000.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Skipf("real FOCUS sample not present: %v", err)
	}
	p, err := ParsePeriod("2024-Q3")
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte(strings.Replace(realFOCUSConfig, "%s", file, 1))
	cfg, err := loadAndRun(t.TempDir(), raw, p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), cfg, p, Options{})
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	checkNoDifference(t, res)
	attributed, unattributed := totals(res.Report.Rows)
	if attributed.IsZero() || unattributed.IsZero() {
		t.Errorf("attributed %s and unattributed %s, want both non-zero", attributed, unattributed)
	}
	var lines int64
	for _, row := range res.Report.Rows {
		if row.AccountID == AllAccounts {
			lines += row.SourceLines
		}
		if row.AccountID == transforms.Unattributed && row.Attributed.Sign() != 0 {
			t.Errorf("unattributed row has attributed amount %s", row.Attributed)
		}
	}
	if lines != 1000 {
		t.Errorf("source lines = %d, want the sample's 1000", lines)
	}
}

func TestReconcileSkipsAccountsNotAllowed(t *testing.T) {
	file, err := filepath.Abs(filepath.Join(realdataDir, "costs", "focus-1.0_sample-data_1000.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Skipf("real FOCUS sample not present: %v", err)
	}
	p, err := ParsePeriod("2024-09")
	if err != nil {
		t.Fatal(err)
	}
	raw := "accounts_allow: [BrightPathMatrix]\n" + strings.Replace(realFOCUSConfig, "%s", file, 1)
	cfg, err := loadAndRun(t.TempDir(), []byte(raw), p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), cfg, p, Options{})
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	checkNoDifference(t, res)
	usd := res.Report.NotAllowed["USD"]
	if usd == nil || usd.Lines == 0 {
		t.Fatalf("not allowed lines = %v, want the tagged lines of other applications", usd)
	}
	var out strings.Builder
	if err := res.Report.Print(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "outside accounts_allow") {
		t.Errorf("printed report does not mention the lines outside accounts_allow:\n%s", out.String())
	}
}
