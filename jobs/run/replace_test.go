package run

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"evidencepack/config"
)

const focusHeader = "BilledCost,BillingCurrency,ChargeCategory,ChargePeriodStart,ChargePeriodEnd," +
	"ProviderName,ServiceName,SubAccountId\n"

// focusDay returns one FOCUS CSV row charging amount to sub-account 111 on
// the given June 2026 day.
func focusDay(day int, category, amount string) string {
	start := time.Date(2026, 6, day, 0, 0, 0, 0, time.UTC)
	return fmt.Sprintf("%s,USD,%s,%s,%s,Solora AI,Inference,111\n", amount, category,
		start.Format(time.RFC3339), start.AddDate(0, 0, 1).Format(time.RFC3339))
}

// monthToDate returns a FOCUS export of June 1 through last at 1.00 a day,
// with the amount of restatedDay replaced by restated when it is not empty.
func monthToDate(last, restatedDay int, restated string) string {
	var b strings.Builder
	b.WriteString(focusHeader)
	for d := 1; d <= last; d++ {
		amount := "1.00"
		if d == restatedDay {
			amount = restated
		}
		b.WriteString(focusDay(d, "Usage", amount))
	}
	return b.String()
}

func writeText(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// costConfig writes a config with the FOCUS source cloud_bill (replace
// left at its default) and the FOCUS source inference_bill with replace:
// window, both feeding cost_lines, and loads it.
func costConfig(t *testing.T, dir string) *config.Config {
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
  - name: inference_bill
    kind: costs
    format: focus
    replace: window
    paths: [inference/*.csv]
    attribution: {sub_accounts: {"111": acme}}
pack:
  period: month
`
	path := filepath.Join(dir, "costs.yaml")
	writeText(t, path, text)
	cfg, err := config.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

func runWindow(t *testing.T, cfg *config.Config, from, to string) *Manifest {
	t.Helper()
	m, err := Run(context.Background(), cfg, Options{From: date(from), To: date(to)})
	if err != nil {
		t.Fatalf("run %s..%s: %v", from, to, err)
	}
	return m
}

// openWarehouseReadOnly opens the warehouse for queries. The caller closes
// it before the next run, because DuckDB rejects a read-write open of a
// file this process holds open read-only.
func openWarehouseReadOnly(t *testing.T, cfg *config.Config) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", cfg.Resolve(cfg.Warehouse.Path)+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// sourceTotal returns the sum of billed_cost of one source's cost lines.
func sourceTotal(t *testing.T, cfg *config.Config, source string) decimal.Decimal {
	t.Helper()
	db := openWarehouseReadOnly(t, cfg)
	defer db.Close()
	var total sql.NullString
	err := db.QueryRow(`SELECT CAST(sum(billed_cost) AS VARCHAR) FROM cost_lines WHERE source = ?`, source).
		Scan(&total)
	if err != nil {
		t.Fatalf("sum cost_lines of %s: %v", source, err)
	}
	if !total.Valid {
		return decimal.Zero
	}
	return decimal.RequireFromString(total.String)
}

func TestRestatedExportReplacesEarlierDay(t *testing.T) {
	dir := t.TempDir()
	cfg := costConfig(t, dir)
	bill := filepath.Join(dir, "bill", "focus-2026-06.csv")
	writeText(t, filepath.Join(dir, "inference", "june.csv"), focusHeader+focusDay(5, "Usage", "0.50"))

	writeText(t, bill, monthToDate(5, 0, ""))
	runWindow(t, cfg, "2026-06-05", "2026-06-05")
	if got := sourceTotal(t, cfg, "cloud_bill"); !got.Equal(decimal.RequireFromString("5.00")) {
		t.Errorf("cloud_bill June total after the June 5 run = %s, want 5.00", got)
	}

	writeText(t, bill, monthToDate(6, 5, "1.10"))
	m := runWindow(t, cfg, "2026-06-06", "2026-06-06")
	first := snapshotState(t, cfg)
	checkRestatedTotals(t, cfg, "after the first June 6 run")
	checkRestatedManifest(t, m)

	runWindow(t, cfg, "2026-06-06", "2026-06-06")
	checkRestatedTotals(t, cfg, "after the repeated June 6 run")
	compareStates(t, first, snapshotState(t, cfg))
}

func checkRestatedTotals(t *testing.T, cfg *config.Config, when string) {
	t.Helper()
	if got := sourceTotal(t, cfg, "cloud_bill"); !got.Equal(decimal.RequireFromString("6.10")) {
		t.Errorf("cloud_bill June total %s = %s, want 6.10", when, got)
	}
	// inference_bill replaces only its window, and its June 5 row must
	// survive cloud_bill replacing June 5.
	if got := sourceTotal(t, cfg, "inference_bill"); !got.Equal(decimal.RequireFromString("0.50")) {
		t.Errorf("inference_bill June total %s = %s, want 0.50", when, got)
	}
	st := snapshotState(t, cfg)
	if n := st.rows["cost_lines/2026-06-05/inference_bill"]; n != 1 {
		t.Errorf("inference_bill rows on 2026-06-05 %s = %d, want 1", when, n)
	}
	for _, name := range []string{"part-cloud_bill.parquet", "part-inference_bill.parquet"} {
		rel := filepath.Join("cost_lines", "dt=2026-06-05", name)
		if _, ok := st.facts[rel]; !ok {
			t.Errorf("Parquet file %s missing %s", rel, when)
		}
	}
}

// checkRestatedManifest asserts that the June 6 run lists every partition
// of cloud_bill it replaced and counts inference_bill's June 5 row as
// outside the window.
func checkRestatedManifest(t *testing.T, m *Manifest) {
	t.Helper()
	replaced := map[string]int{}
	for _, p := range m.Partitions {
		replaced[p.Date+"/"+p.Source] = p.Rows
	}
	for d := 1; d <= 6; d++ {
		key := fmt.Sprintf("2026-06-%02d/cloud_bill", d)
		if replaced[key] != 1 {
			t.Errorf("manifest partition %s rows = %d, want 1", key, replaced[key])
		}
	}
	if s := m.Sources["cloud_bill"]; s.OutOfWindow != 0 || s.Facts != 6 {
		t.Errorf("cloud_bill counts = %+v, want 6 facts and none outside the window", s.Counts)
	}
	if s := m.Sources["inference_bill"]; s.OutOfWindow != 1 || s.Facts != 0 {
		t.Errorf("inference_bill counts = %+v, want its one row outside the window", s.Counts)
	}
}

func TestCreditLoadsAsNegativeCost(t *testing.T) {
	dir := t.TempDir()
	cfg := costConfig(t, dir)
	writeText(t, filepath.Join(dir, "inference", "june.csv"), focusHeader)
	writeText(t, filepath.Join(dir, "bill", "focus-2026-06.csv"), focusHeader+
		focusDay(3, "Usage", "30.00")+focusDay(3, "Credit", "-30.00")+focusDay(4, "Usage", "12.40"))
	runWindow(t, cfg, "2026-06-01", "2026-06-30")

	db := openWarehouseReadOnly(t, cfg)
	defer db.Close()
	var credit string
	err := db.QueryRow(`SELECT CAST(billed_cost AS VARCHAR) FROM cost_lines
		WHERE account_id = 'acme' AND charge_category = 'Credit'`).Scan(&credit)
	if err != nil {
		t.Fatalf("read the credit line: %v", err)
	}
	if !decimal.RequireFromString(credit).Equal(decimal.RequireFromString("-30")) {
		t.Errorf("credit billed_cost = %s, want -30.00", credit)
	}
	if got := sourceTotal(t, cfg, "cloud_bill"); !got.Equal(decimal.RequireFromString("12.40")) {
		t.Errorf("net cost = %s, want 12.40", got)
	}
}
