package render

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	evsql "evidencepack/sql"
)

// openCurrencyCase returns a warehouse with two accounts whose usage,
// workflows and cost amounts are identical, one billed in USD and one in
// EUR. The USD account also has one EUR cost line, which must stay out of
// its totals.
func openCurrencyCase(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := evsql.Apply(ctx, db, evsql.DuckDB()); err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, `
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO accounts VALUES
  ('us-co', 'US Co', 'USD', NULL, NULL, FALSE, 'UTC'),
  ('eu-co', 'EU Co', 'EUR', NULL, NULL, FALSE, 'UTC');
INSERT INTO account_workflows
SELECT account_id, 'claims', 600, 0.10, 60.00, 'draft', FALSE FROM accounts;
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type, handle_time_seconds)
SELECT a.account_id || '-' || CAST(i AS VARCHAR), TIMESTAMP '2026-07-01 10:00:00' + to_days(CAST(i AS INTEGER)),
  a.account_id, 'claims', 'c' || CAST(i AS VARCHAR), 'u1', 'case_resolved', 300
FROM accounts AS a CROSS JOIN range(3) AS r(i);
INSERT INTO cost_lines (line_id, charge_period_start, charge_period_end, account_id, provider, service,
  charge_category, billed_cost, effective_cost, currency, commitment_purchase) VALUES
  ('us1', TIMESTAMP '2026-07-01 00:00:00', TIMESTAMP '2026-07-02 00:00:00', 'us-co', 'AWS', 'Bedrock', 'Usage', 90, 90, 'USD', FALSE),
  ('eu1', TIMESTAMP '2026-07-01 00:00:00', TIMESTAMP '2026-07-02 00:00:00', 'eu-co', 'AWS', 'Bedrock', 'Usage', 90, 90, 'EUR', FALSE),
  ('us2', TIMESTAMP '2026-07-02 00:00:00', TIMESTAMP '2026-07-03 00:00:00', 'us-co', 'GCP', 'Vertex AI', 'Usage', 1000, 1000, 'EUR', FALSE);`)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestCurrenciesKeptApart(t *testing.T) {
	db := openCurrencyCase(t)
	packs, err := BuildAll(context.Background(), db, "2026-Q3", testProvenance)
	if err != nil {
		t.Fatal(err)
	}
	if len(packs) != 2 {
		t.Fatalf("packs = %d, want 2", len(packs))
	}
	for _, p := range packs {
		symbol := map[string]string{"eu-co": "€", "us-co": "$"}[p.AccountID]
		if p.WorkPerformed.VerifiedResolvedCases != 3 {
			t.Errorf("%s verified resolved cases = %d, want 3", p.AccountID, p.WorkPerformed.VerifiedResolvedCases)
		}
		money := map[string]string{
			"estimated_cost_avoided": p.Value.EstimatedCostAvoided,
			"cost.total":             p.Cost.Total,
			"cost.billed_total":      p.Cost.BilledTotal,
			"cost_per_verified_case": p.Cost.CostPerVerifiedCase,
			"cost.credits":           p.Cost.Credits,
		}
		want := map[string]string{
			"estimated_cost_avoided": symbol + "15.00",
			"cost.total":             symbol + "90.00",
			"cost.billed_total":      symbol + "90.00",
			"cost_per_verified_case": symbol + "30.00",
			"cost.credits":           symbol + "0.00",
		}
		for field, got := range money {
			if got != want[field] {
				t.Errorf("%s %s = %s, want %s", p.AccountID, field, got, want[field])
			}
		}
		if len(p.Cost.ByService) != 1 || p.Cost.ByService[0].Total != symbol+"90.00" {
			t.Errorf("%s by_service = %+v, want one service of %s90.00", p.AccountID, p.Cost.ByService, symbol)
		}
		for _, point := range p.Cost.Trend {
			if point.Month == "2026-07" && (point.Total != symbol+"90.00" || point.EstimatedCostAvoided != symbol+"15.00") {
				t.Errorf("%s trend %s = %+v, want %s90.00 cost and %s15.00 avoided", p.AccountID, point.Month, point, symbol, symbol)
			}
		}
	}
}

func TestOtherCurrencyListedApart(t *testing.T) {
	db := openCurrencyCase(t)
	us := buildPack(t, db, "us-co", "2026-Q3")
	if len(us.Cost.OtherCurrencies) != 1 {
		t.Fatalf("us-co other currencies = %+v, want one", us.Cost.OtherCurrencies)
	}
	if other := us.Cost.OtherCurrencies[0]; other.Currency != "EUR" || other.Total != "€1000.00" {
		t.Errorf("us-co other currency = %+v, want EUR €1000.00", other)
	}
	if us.Cost.Lines != 1 {
		t.Errorf("us-co cost lines in USD = %d, want 1", us.Cost.Lines)
	}
	eu := buildPack(t, db, "eu-co", "2026-Q3")
	if len(eu.Cost.OtherCurrencies) != 0 {
		t.Errorf("eu-co other currencies = %+v, want none", eu.Cost.OtherCurrencies)
	}
}

func TestCurrencySymbolInEveryFormat(t *testing.T) {
	db := openCurrencyCase(t)
	eu := buildPack(t, db, "eu-co", "2026-Q3")
	us := buildPack(t, db, "us-co", "2026-Q3")
	for _, format := range []string{"yaml", "json", "md", "html"} {
		euText, err := Encode(eu, format)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(euText), "€90.00") {
			t.Errorf("eu-co %s pack does not contain €90.00", format)
		}
		for _, text := range []string{"$90.00", "$15.00", "$180.00", "€180.00"} {
			if strings.Contains(string(euText), text) {
				t.Errorf("eu-co %s pack contains %s", format, text)
			}
		}
		usText, err := Encode(us, format)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(usText), "$90.00") {
			t.Errorf("us-co %s pack does not contain $90.00", format)
		}
		for _, text := range []string{"€90.00", "€15.00", "$1090.00", "$180.00"} {
			if strings.Contains(string(usText), text) {
				t.Errorf("us-co %s pack contains %s", format, text)
			}
		}
	}
}

func TestIndexKeepsCurrenciesApart(t *testing.T) {
	db := openCurrencyCase(t)
	packs, err := BuildAll(context.Background(), db, "2026-Q3", testProvenance)
	if err != nil {
		t.Fatal(err)
	}
	page, err := encodeIndex("2026-Q3", packs)
	if err != nil {
		t.Fatal(err)
	}
	text := string(page)
	for _, want := range []string{"$90.00", "€90.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("index does not contain %s", want)
		}
	}
	for _, mixed := range []string{"$180.00", "€180.00", "$1090.00"} {
		if strings.Contains(text, mixed) {
			t.Errorf("index contains the mixed total %s", mixed)
		}
	}
}
