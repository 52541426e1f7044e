package run

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// commitmentExport returns a FOCUS export of one commitment purchase
// (billed and effective 720) and the 30 June days of usage it covers
// (billed 0, effective 24 each).
func commitmentExport() string {
	var b strings.Builder
	b.WriteString("BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ChargeFrequency," +
		"ChargePeriodStart,ChargePeriodEnd,CommitmentDiscountId,ProviderName,ServiceName,SubAccountId\n")
	b.WriteString("720,720,USD,Purchase,Recurring,2026-06-01T00:00:00Z,2026-07-01T00:00:00Z," +
		"cd-1,Solora AI,Compute,111\n")
	for d := 1; d <= 30; d++ {
		start := time.Date(2026, 6, d, 0, 0, 0, 0, time.UTC)
		fmt.Fprintf(&b, "0,24,USD,Usage,Usage-Based,%s,%s,cd-1,Solora AI,Compute,111\n",
			start.Format(time.RFC3339), start.AddDate(0, 0, 1).Format(time.RFC3339))
	}
	return b.String()
}

// TestCommitmentPurchaseCountedOnce loads a commitment purchase and its
// covered usage into a DuckDB file and checks that the month's effective
// cost counts the commitment once and that the pack names the rule.
func TestCommitmentPurchaseCountedOnce(t *testing.T) {
	dir := t.TempDir()
	cfg := costConfig(t, dir)
	writeText(t, filepath.Join(dir, "inference", "june.csv"), focusHeader)
	writeText(t, filepath.Join(dir, "bill", "focus-2026-06.csv"), commitmentExport())
	m := runWindow(t, cfg, "2026-06-01", "2026-06-30")
	if got := m.Sources["cloud_bill"].Facts; got != 31 {
		t.Fatalf("cloud_bill facts = %d, want 31", got)
	}

	db := openWarehouseReadOnly(t, cfg)
	var effective, billed string
	err := db.QueryRow(`SELECT CAST(effective_cost AS VARCHAR), CAST(billed_cost AS VARCHAR)
		FROM cost_by_currency WHERE account_id = 'acme' AND period = '2026-06'`).Scan(&effective, &billed)
	db.Close()
	if err != nil {
		t.Fatalf("read cost_by_currency: %v", err)
	}
	if !decimal.RequireFromString(effective).Equal(decimal.NewFromInt(720)) {
		t.Errorf("June effective cost = %s, want 720 (not 1440)", effective)
	}
	if !decimal.RequireFromString(billed).Equal(decimal.NewFromInt(720)) {
		t.Errorf("June billed cost = %s, want 720", billed)
	}

	pack := readPackJSON(t, filepath.Join(cfg.Resolve(cfg.OutputDir), "packs", "2026-06", "acme.json"))
	notes, _ := json.Marshal(pack["data_quality_notes"])
	for _, want := range []string{"commitment purchase line", "left out of the total cost"} {
		if !strings.Contains(string(notes), want) {
			t.Errorf("pack data_quality_notes = %s, want the rule stated (%q)", notes, want)
		}
	}
}

func readPackJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read pack: %v", err)
	}
	var pack map[string]any
	if err := json.Unmarshal(data, &pack); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return pack
}
