package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const checkConfig = `output_dir: out
accounts:
  - {id: acme, name: Acme, currency: USD}
sources:
  - name: cloud_bill
    kind: costs
    format: focus
    paths: [bill/*.csv]
    attribution: {sub_accounts: {"111": acme}}
    freshness: {warn_after: 24h, error_after: FRESH}
pack: {period: month, formats: [json]}
`

const checkBill = `BilledCost,BillingCurrency,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,ProviderName,ServiceName,SubAccountId
1.00,USD,Usage,2026-06-01T00:00:00Z,2026-06-02T00:00:00Z,Solora AI,Inference,111
2.00,USD,Usage,2026-06-02T00:00:00Z,2026-06-03T00:00:00Z,Solora AI,Inference,111
`

func TestCheckCommandExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bill/june.csv", checkBill)
	write("ok.yaml", strings.Replace(checkConfig, "FRESH", "240h", 1))
	if r := runCLI(t, dir, "check", "--config", "ok.yaml"); r.code != exitWarehouse ||
		!strings.Contains(r.stderr, "run `evidencepack run` first") {
		t.Errorf("check before any run: exit %d, want %d naming the run to make first:\n%s", r.code, exitWarehouse, r.stderr)
	}
	if r := runCLI(t, dir, "run", "--config", "ok.yaml", "--from", "2026-06-01", "--to", "2026-06-03"); r.code != 0 {
		t.Fatalf("run exit %d: %s", r.code, r.stderr)
	}

	r := runCLI(t, dir, "check", "--config", "ok.yaml")
	if r.code != 0 {
		t.Fatalf("check of a clean warehouse: exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "cost_lines.unique") || !strings.Contains(r.stdout, "freshness cloud_bill") {
		t.Errorf("check output lacks the check and freshness rows:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "source cloud_bill: newest cost line is 2d older") {
		t.Errorf("check output lacks the freshness warning:\n%s", r.stdout)
	}

	warn := strings.Replace(checkConfig, "FRESH", "240h", 1) +
		"checks:\n  - {name: big bills, kind: custom_sql, severity: warn, sql: \"SELECT * FROM cost_lines WHERE billed_cost > 1.5\"}\n"
	write("warn.yaml", warn)
	r = runCLI(t, dir, "check", "--config", "warn.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "big bills") {
		t.Errorf("warn-only failure: exit %d, want 0 with the check printed\n%s%s", r.code, r.stdout, r.stderr)
	}

	write("error.yaml", strings.Replace(warn, "severity: warn", "severity: error", 1))
	r = runCLI(t, dir, "check", "--config", "error.yaml")
	if r.code != 8 || !strings.Contains(r.stderr, "check big bills: 1 failing rows") {
		t.Errorf("error failure: exit %d, want 8\n%s%s", r.code, r.stdout, r.stderr)
	}

	write("stale.yaml", strings.Replace(checkConfig, "FRESH", "36h", 1))
	r = runCLI(t, dir, "check", "--config", "stale.yaml")
	if r.code != 8 || !strings.Contains(r.stderr, "(error_after 36h)") {
		t.Errorf("stale source: exit %d, want 8\n%s%s", r.code, r.stdout, r.stderr)
	}
}
