package render

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	evsql "evidencepack/sql"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var testProvenance = Provenance{
	RunID:        "run-20261015-abc",
	DataThrough:  "2026-10-15T00:00:00Z",
	InputsSHA256: "1111111111111111111111111111111111111111111111111111111111111111",
	ViewsSHA256:  "2222222222222222222222222222222222222222222222222222222222222222",
}

// openCase loads the input of a view case of the sql package into a new
// in-memory DuckDB warehouse.
func openCase(t *testing.T, name string) *sql.DB {
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
	input, err := os.ReadFile(filepath.Join("..", "..", "sql", "testdata", "views", name, "input.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(input)); err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return db
}

func buildPack(t *testing.T, db *sql.DB, account, period string) *Pack {
	t.Helper()
	p, err := Build(context.Background(), db, account, period, testProvenance)
	if err != nil {
		t.Fatalf("build %s %s: %v", account, period, err)
	}
	return p
}

func TestPackGolden(t *testing.T) {
	cases := []struct{ fixture, account, period string }{
		{"handle_time", "acme", "2026-Q3"},
		{"costs", "acme", "2026-Q3"},
		{"costs", "beta", "2026-Q3"},
		{"costs", "gamma", "2026-08"},
		{"reviews", "acme", "2026-Q3"},
		{"incidents", "acme", "2026-07"},
		{"adoption", "acme", "2026-Q3"},
		{"expansion", "acme", "2026-Q3"},
	}
	for _, c := range cases {
		name := c.fixture + "_" + c.account + "_" + c.period
		t.Run(name, func(t *testing.T) {
			db := openCase(t, c.fixture)
			got, err := Encode(buildPack(t, db, c.account, c.period), "yaml")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("yaml differs from %s (run with -update after checking)\n%s", golden, got)
			}
		})
	}
}

func TestMoneyExactness(t *testing.T) {
	db := openCase(t, "costs")
	gamma := buildPack(t, db, "gamma", "2026-Q3")
	if gamma.Cost.Total != "$0.30" {
		t.Errorf("0.1 + 0.2 total = %s, want $0.30", gamma.Cost.Total)
	}
	acme := buildPack(t, db, "acme", "2026-Q3")
	if acme.Cost.Total != "$720.00" {
		t.Errorf("commitment total = %s, want $720.00", acme.Cost.Total)
	}
	if acme.Cost.BilledTotal != "$720.00" {
		t.Errorf("commitment billed total = %s, want $720.00", acme.Cost.BilledTotal)
	}
	if acme.Cost.CostPerVerifiedCase != "$102.86" {
		t.Errorf("cost per verified case = %s, want $102.86", acme.Cost.CostPerVerifiedCase)
	}
	beta := buildPack(t, db, "beta", "2026-Q3")
	if beta.Cost.Credits != "€12.40" {
		t.Errorf("credits = %s, want €12.40", beta.Cost.Credits)
	}
	if beta.Cost.CostPerVerifiedCase != "n/a" {
		t.Errorf("cost per verified case without cases = %s, want n/a", beta.Cost.CostPerVerifiedCase)
	}
}

func TestValueFigures(t *testing.T) {
	db := openCase(t, "handle_time")
	p := buildPack(t, db, "acme", "2026-07")
	checks := map[string][2]string{
		"handle_time_reduction":  {p.Value.HandleTimeReduction, "40.0%"},
		"reopen_rate_delta":      {p.Value.ReopenRateDelta, "4.2pp"},
		"estimated_cost_avoided": {p.Value.EstimatedCostAvoided, "$16.11"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %s, want %s", name, c[0], c[1])
		}
	}
}

func TestEverySectionPresent(t *testing.T) {
	db := openCase(t, "costs")
	p := buildPack(t, db, "acme", "2026-Q3")
	data, err := Encode(p, "json")
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	sections := []string{"account", "account_id", "period", "provisional", "work_performed", "value", "quality",
		"adoption", "cost", "trust", "expansion_candidates", "feedback_incorporated", "formulas",
		"data_quality_notes", "provenance"}
	for _, s := range sections {
		if fields[s] == nil {
			t.Errorf("json section %s missing or null", s)
		}
	}
	md, err := Encode(p, "md")
	if err != nil {
		t.Fatal(err)
	}
	headings := []string{"## Work performed", "## Value", "## Quality", "## Adoption", "## Cost (USD)", "## Trust",
		"## Expansion candidates", "## Data quality notes", "## Provenance", "[^cost_total]: "}
	for _, h := range headings {
		if !strings.Contains(string(md), h) {
			t.Errorf("markdown lacks %q", h)
		}
	}
}

func TestAccountWithoutFacts(t *testing.T) {
	db := openCase(t, "costs")
	p := buildPack(t, db, "gamma", "2026-07")
	if p.WorkPerformed.VerifiedResolvedCases != 0 {
		t.Errorf("verified cases = %d, want 0", p.WorkPerformed.VerifiedResolvedCases)
	}
	if p.Cost.Total != "$0.00" {
		t.Errorf("total = %s, want $0.00", p.Cost.Total)
	}
	if p.Provisional {
		t.Errorf("July pack is provisional with data through 2026-10-15")
	}
}

func TestBuildRejectsBadInput(t *testing.T) {
	db := openCase(t, "costs")
	ctx := context.Background()
	if _, err := Build(ctx, db, "acme", "2026-13", testProvenance); err == nil {
		t.Errorf("month 13 accepted")
	}
	if _, err := Build(ctx, db, "nobody", "2026-Q3", testProvenance); err == nil {
		t.Errorf("unknown account accepted")
	}
	if _, err := db.Exec("DELETE FROM pack_settings"); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(ctx, db, "acme", "2026-Q3", testProvenance); err == nil {
		t.Errorf("empty pack_settings accepted")
	}
}

func TestAccountsAndPeriods(t *testing.T) {
	db := openCase(t, "costs")
	ctx := context.Background()
	accounts, err := Accounts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(accounts, ",") != "acme,beta,gamma" {
		t.Errorf("accounts = %v", accounts)
	}
	periods, err := Periods(ctx, db, "gamma", "month")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(periods, ",") != "2026-08" {
		t.Errorf("gamma months = %v, want [2026-08]", periods)
	}
	if _, err := Periods(ctx, db, "gamma", "week"); err == nil {
		t.Errorf("grain week accepted")
	}
}
