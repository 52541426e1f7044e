package extract

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"evidencepack/config"
	"evidencepack/transforms"
)

// sumBilledCost re-reads a FOCUS CSV with encoding/csv and adds BilledCost
// per BillingCurrency, independently of the reader.
func sumBilledCost(t *testing.T, path string) map[string]decimal.Decimal {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	sums := map[string]decimal.Decimal{}
	for _, row := range rows[1:] {
		d, err := decimal.NewFromString(row[col["BilledCost"]])
		if err != nil {
			t.Fatalf("BilledCost %q: %v", row[col["BilledCost"]], err)
		}
		currency := row[col["BillingCurrency"]]
		sums[currency] = sums[currency].Add(d)
	}
	return sums
}

func TestRealFOCUSSample(t *testing.T) {
	path := realData(t, "costs/focus-1.0_sample-data_1000.csv")
	src := config.Source{Name: "focus_sample", Kind: "costs", Format: "focus",
		Attribution: config.Attribution{TagKey: "application"}}
	sink, n := mustRead(t, src, path)
	if n != 1000 {
		t.Fatalf("records = %d, want 1000", n)
	}
	for _, r := range sink.rejects {
		if r.Reason == "" {
			t.Errorf("record %d rejected without a reason", r.Record)
		}
	}
	if len(sink.rejects) != 0 {
		t.Errorf("%d rejects, want none:\n%s", len(sink.rejects), rejectReasons(sink))
	}

	got := map[string]decimal.Decimal{}
	negative := 0
	for _, f := range sink.facts {
		line := f.(*transforms.CostLine)
		d := transforms.DecimalFromNum(line.BilledCost, transforms.MoneyScale)
		got[line.Currency] = got[line.Currency].Add(d)
		if d.IsNegative() {
			negative++
		}
	}

	want := sumBilledCost(t, path)
	for currency, sum := range want {
		if !got[currency].Equal(sum) {
			t.Errorf("%s: BilledCost sum %s, want %s", currency, got[currency], sum)
		}
	}
	if len(got) != len(want) {
		t.Errorf("currencies %v, want %v", got, want)
	}
	if negative != 13 {
		t.Errorf("%d negative BilledCost lines, want 13", negative)
	}
}

func TestRealFOCUSSpecExamples(t *testing.T) {
	dir := realData(t, "costs/focus-spec-examples")
	src := config.Source{Name: "spec", Kind: "costs", Format: "focus"}
	cases := []struct {
		file       string
		facts      int
		missingCol string // non-empty when the file must fail naming this column
	}{
		{"v1.2_commitment_discount_purchase_scenario_3.csv", 0, "BillingCurrency"},
		{"v1.2_commitment_discount_usage_scenario_3.csv", 0, "BillingCurrency"},
		{"v1.2_saas_spend_agreements_a2.csv", 13, ""},
		{"v1.2_simple_saas_agreements_c.csv", 3, ""},
		{"v1.2_virtual_currency_pricing_model_a2.csv", 3, ""},
		{"working-draft_ai_billing_per_token_foundation_model_api.csv", 2, ""},
		{"working-draft_ai_model_billing_multi_model_usage.csv", 4, ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			sink, n, err := readFile(t, src, filepath.Join(dir, c.file))
			if c.missingCol != "" {
				if err == nil || !strings.Contains(err.Error(), "missing required FOCUS columns "+c.missingCol) {
					t.Errorf("error %v, want missing required FOCUS columns %s", err, c.missingCol)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if int(n) != c.facts || len(sink.facts) != c.facts {
				t.Errorf("records %d facts %d, want %d:\n%s", n, len(sink.facts), c.facts, rejectReasons(sink))
			}
		})
	}
}

func TestRealFOCUSSaaSMoneyText(t *testing.T) {
	path := realData(t, "costs/focus-spec-examples/v1.2_simple_saas_agreements_c.csv")
	sink, _ := mustRead(t, config.Source{Name: "spec", Kind: "costs", Format: "focus"}, path)
	var billed []string
	for _, f := range sink.facts {
		b, _ := money(t, *f.(*transforms.CostLine))
		billed = append(billed, b)
	}
	if !contains(billed, "10100") {
		t.Errorf("billed costs %v, want the \"$10,100.00 \" cell read as 10100", billed)
	}
}

func TestRealFOCUSValidatorParquet(t *testing.T) {
	path := realData(t, "costs/focus-validator_sample.parquet")
	_, n, err := readFile(t, config.Source{Name: "v", Kind: "costs", Format: "focus"}, path)
	if err == nil {
		t.Fatal("pre-1.0 column names: no error")
	}
	for _, want := range []string{"focus-validator_sample.parquet", "BilledCost", "BillingCurrency", "ChargePeriodStart", "InvoiceIssuer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if n != 0 {
		t.Errorf("records = %d, want 0", n)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
