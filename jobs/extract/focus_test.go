package extract

import (
	"strings"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

func focusSource() config.Source {
	return config.Source{
		Name: "cloud_bill", Kind: "costs", Format: "focus",
		Attribution: config.Attribution{
			TagKey: "customer",
			SubAccounts: map[string]string{
				"004417230981": "northwind-logistics",
				"004417230982": "contoso-claims",
			},
		},
	}
}

func money(t *testing.T, n transforms.CostLine) (billed, effective string) {
	t.Helper()
	return transforms.FormatDecimal(n.BilledCost, transforms.MoneyScale),
		transforms.FormatDecimal(n.EffectiveCost, transforms.MoneyScale)
}

// costFact is the expected outcome of one FOCUS row: a cost line with
// these values, or a reject of column with a reason containing reason.
type costFact struct {
	billed, effective, account, category string
	start                                time.Time
	quantity                             string // "" for NULL
	purchase                             bool
}

type rowOutcome struct {
	fact           *costFact
	column, reason string
}

func TestFOCUSRows(t *testing.T) {
	sink, n := mustRead(t, focusSource(), "testdata/focus_rows.csv")
	sep18 := time.Date(2024, 9, 18, 22, 0, 0, 0, time.UTC)
	want := map[int64]rowOutcome{
		1:  {fact: &costFact{"0.0000008", "0.0000008", "northwind", "Usage", sep18, "2", false}},
		2:  {fact: &costFact{"1.25", "1", "northwind-logistics", "Usage", sep18, "1", false}},
		3:  {fact: &costFact{"3.5", "3.5", "contoso", "Usage", time.Date(2024, 9, 18, 0, 0, 0, 0, time.UTC), "", false}},
		4:  {fact: &costFact{"-12.5", "-12.5", "contoso-claims", "Credit", time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), "", false}},
		5:  {fact: &costFact{"4380", "0", "contoso-claims", "Purchase", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "", true}},
		6:  {fact: &costFact{"10100", "10100", transforms.Unattributed, "Purchase", time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), "", false}},
		7:  {column: "BilledCost", reason: "not a decimal number"},
		8:  {column: "BilledCost", reason: "missing"},
		9:  {fact: &costFact{"0.5", "0.5", transforms.Unattributed, "Usage", sep18, "", false}},
		10: {column: "ChargePeriodStart", reason: "not a recognised timestamp"},
		11: {column: "", reason: `row has 2 fields, the header has 15: column "ChargeCategory" is missing`},
		12: {column: "", reason: "row has 16 fields, the header has 15"},
		13: {fact: &costFact{"0.0000008", "0.0000008", "northwind", "Usage", sep18, "2", false}},
		14: {column: "ChargeCategory", reason: "charge category Refund is not one of"},
		15: {column: "BillingCurrency", reason: "missing"},
		16: {fact: &costFact{"7.25", "7.25", "42", "Tax", time.Date(2024, 8, 31, 22, 0, 0, 0, time.UTC), "", false}},
		17: {column: "Tags", reason: "tags are not a JSON object"},
	}
	if n != int64(len(want)) {
		t.Fatalf("records = %d, want %d", n, len(want))
	}
	got := map[int64]any{}
	for _, f := range sink.facts {
		got[f.Origin().Record] = f
	}
	for _, r := range sink.rejects {
		got[r.Record] = r
	}
	for rec, w := range want {
		checkCostOutcome(t, rec, w, got[rec])
	}
}

func checkCostOutcome(t *testing.T, rec int64, w rowOutcome, got any) {
	t.Helper()
	if w.fact == nil {
		r, ok := got.(transforms.Reject)
		if !ok {
			t.Errorf("record %d: got %+v, want reject of %s", rec, got, w.column)
			return
		}
		if r.Column != w.column || !strings.Contains(r.Reason, w.reason) {
			t.Errorf("record %d: reject %q on %q, want %q on %q", rec, r.Reason, r.Column, w.reason, w.column)
		}
		if r.Source != "cloud_bill" || r.File != "testdata/focus_rows.csv" {
			t.Errorf("record %d: reject origin %+v", rec, r.Origin)
		}
		return
	}

	line, ok := got.(*transforms.CostLine)
	if !ok {
		t.Errorf("record %d: got %+v, want a cost line", rec, got)
		return
	}
	billed, effective := money(t, *line)
	if billed != w.fact.billed || effective != w.fact.effective {
		t.Errorf("record %d: billed %s effective %s, want %s %s", rec, billed, effective, w.fact.billed, w.fact.effective)
	}
	if line.AccountID != w.fact.account {
		t.Errorf("record %d: account %q, want %q", rec, line.AccountID, w.fact.account)
	}
	if line.ChargeCategory != w.fact.category || line.CommitmentPurchase != w.fact.purchase {
		t.Errorf("record %d: category %q purchase %v, want %q %v", rec, line.ChargeCategory, line.CommitmentPurchase, w.fact.category, w.fact.purchase)
	}
	if !line.ChargePeriodStart.Equal(w.fact.start) {
		t.Errorf("record %d: start %v, want %v", rec, line.ChargePeriodStart, w.fact.start)
	}

	quantity := ""
	if line.ConsumedQuantity != nil {
		quantity = transforms.FormatDecimal(*line.ConsumedQuantity, transforms.QuantityScale)
	}
	if quantity != w.fact.quantity {
		t.Errorf("record %d: quantity %q, want %q", rec, quantity, w.fact.quantity)
	}
}

func TestFOCUSLineIDs(t *testing.T) {
	sink, _ := mustRead(t, focusSource(), "testdata/focus_rows.csv")
	ids := map[int64]string{}
	for _, f := range sink.facts {
		ids[f.Origin().Record] = f.Key()
	}
	if ids[1] != ids[13] {
		t.Errorf("byte-identical rows 1 and 13 have line ids %s and %s", ids[1], ids[13])
	}
	if ids[1] == ids[2] {
		t.Errorf("different rows 1 and 2 share line id %s", ids[1])
	}
	if len(ids[1]) != 64 {
		t.Errorf("line id %q is not a hex SHA-256", ids[1])
	}
	again, _ := mustRead(t, focusSource(), "testdata/focus_rows.csv")
	if again.facts[0].Key() != sink.facts[0].Key() {
		t.Errorf("line id changed between runs: %s, %s", sink.facts[0].Key(), again.facts[0].Key())
	}
	other := focusSource()
	other.Name = "other_bill"
	renamed, _ := mustRead(t, other, "testdata/focus_rows.csv")
	if renamed.facts[0].Key() == sink.facts[0].Key() {
		t.Error("line id does not depend on the source name")
	}
}

func TestFOCUSBOMAndCRLF(t *testing.T) {
	sink, n := mustRead(t, focusSource(), "testdata/focus_bom_crlf.csv")
	if n != 2 || len(sink.facts) != 2 {
		t.Fatalf("records %d facts %d, want 2 and 2; rejects:\n%s", n, len(sink.facts), rejectReasons(sink))
	}
	line := sink.facts[0].(*transforms.CostLine)
	if line.Provider != "Solora AI" {
		t.Errorf("provider %q, want ServiceProviderName Solora AI", line.Provider)
	}
	if line.Currency != "USD" {
		t.Errorf("currency %q, want USD without a line end", line.Currency)
	}
	credit := sink.facts[1].(*transforms.CostLine)
	if billed, _ := money(t, *credit); billed != "-0.75" {
		t.Errorf("credit billed %s, want -0.75", billed)
	}
}

func TestFOCUSMissingColumns(t *testing.T) {
	_, n, err := readFile(t, focusSource(), "testdata/focus_missing_columns.csv")
	if err == nil {
		t.Fatal("missing BillingCurrency and ChargePeriodEnd: no error")
	}
	for _, want := range []string{"testdata/focus_missing_columns.csv", "BillingCurrency", "ChargePeriodEnd"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if n != 0 {
		t.Errorf("records = %d, want 0", n)
	}
}

func TestFOCUSFileErrors(t *testing.T) {
	cases := map[string]string{
		"testdata/absent.csv":     "no such file",
		"testdata/empty.csv":      "empty file",
		"testdata/focus_rows.txt": "unknown FOCUS file extension",
	}
	for file, want := range cases {
		_, _, err := readFile(t, focusSource(), file)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), file) {
			t.Errorf("%s: error %v, want one naming the file and %q", file, err, want)
		}
	}
}

func TestFOCUSFieldOverride(t *testing.T) {
	src := focusSource()
	src.Fields = map[string]string{"account_id": "SkuId"}
	sink, _ := mustRead(t, src, "testdata/focus_rows.csv")
	if got := sink.facts[0].(*transforms.CostLine).AccountID; got != "SKU1" {
		t.Errorf("account %q, want SKU1 from the overriding field", got)
	}
}
