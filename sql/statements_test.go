package sql

import (
	"context"
	gosql "database/sql"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/bigquery")

func openDuckDB(t *testing.T) *gosql.DB {
	t.Helper()
	db, err := gosql.Open("duckdb", "")
	if err != nil {
		t.Fatalf("open duckdb: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := Apply(context.Background(), db, DuckDB()); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return db
}

func TestViewsRunOnEmptyDuckDB(t *testing.T) {
	db := openDuckDB(t)
	views, err := Views(DuckDB())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		rows, err := db.Query("SELECT * FROM " + v.Name)
		if err != nil {
			t.Errorf("query view %s: %v", v.Name, err)
			continue
		}
		if rows.Next() {
			t.Errorf("view %s has rows on empty tables", v.Name)
		}
		rows.Close()
	}
}

func TestStatementNamesMatchFiles(t *testing.T) {
	for _, render := range []func(Dialect) ([]Statement, error){Tables, Views} {
		statements, err := render(DuckDB())
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range statements {
			if !strings.Contains(st.SQL, " "+st.Name+" ") {
				t.Errorf("statement %s does not create %s:\n%s", st.Name, st.Name, st.SQL)
			}
			if !strings.HasPrefix(st.SQL, "-- "+st.Name+":") {
				t.Errorf("statement %s has no header comment naming it", st.Name)
			}
		}
	}
}

func TestTableColumnOrder(t *testing.T) {
	db := openDuckDB(t)
	want := map[string]string{
		"usage_events":      "event_id occurred_at account_id workflow case_id user_id event_type autonomy_level handle_time_seconds source dt",
		"review_labels":     "label_id labeled_at account_id workflow case_id reviewer_id verdict failure_category feedback_text incorporated_as source dt",
		"cost_lines":        "line_id charge_period_start charge_period_end account_id provider service sku charge_category consumed_quantity consumed_unit billed_cost effective_cost currency commitment_purchase source dt",
		"incidents":         "incident_id account_id severity opened_at acknowledged_at resolved_at status title service workflow postmortem_url source dt",
		"accounts":          "account_id name currency renewal_date annual_contract_value learning_permitted time_zone",
		"account_workflows": "account_id workflow baseline_handle_time_seconds baseline_reopen_rate hourly_cost_rate autonomy_level trial",
		"pack_settings":     "verification_window_days data_through min_reviewed_cases min_review_accuracy max_sev1_incidents max_incidents min_usage_growth",
	}
	for table, columns := range want {
		rows, err := db.Query("SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", table)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			got = append(got, name)
		}
		rows.Close()
		if strings.Join(got, " ") != columns {
			t.Errorf("table %s columns\n got %s\nwant %s", table, strings.Join(got, " "), columns)
		}
	}
}

func TestMoneyColumnTypes(t *testing.T) {
	db := openDuckDB(t)
	var typ string
	err := db.QueryRow("SELECT data_type FROM information_schema.columns WHERE table_name = 'cost_lines' AND column_name = 'billed_cost'").Scan(&typ)
	if err != nil {
		t.Fatal(err)
	}
	if typ != "DECIMAL(38,18)" {
		t.Errorf("billed_cost type = %s, want DECIMAL(38,18)", typ)
	}
}

func TestBigQueryGolden(t *testing.T) {
	d := BigQuery("acme-prod", "evidence")
	tables, err := Tables(d)
	if err != nil {
		t.Fatal(err)
	}
	views, err := Views(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range append(tables, views...) {
		golden := filepath.Join("testdata", "bigquery", st.Name+".sql")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(st.SQL), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("read golden (run with -update to create it): %v", err)
		}
		if string(want) != st.SQL {
			t.Errorf("bigquery rendering of %s differs from %s (run with -update after checking)\n%s", st.Name, golden, st.SQL)
		}
	}
}

func TestBigQueryRenderingHasNoDuckDBForms(t *testing.T) {
	views, err := Views(BigQuery("acme-prod", "evidence"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		for _, form := range []string{"DECIMAL(", "HUGEINT", "to_months", "to_days", "strftime", "median(", "epoch_us", "VARCHAR", "DOUBLE"} {
			if strings.Contains(v.SQL, form) {
				t.Errorf("bigquery view %s contains the DuckDB form %q", v.Name, form)
			}
		}
		if strings.Contains(v.SQL, " FROM "+v.Name) {
			t.Errorf("bigquery view %s has an unqualified table", v.Name)
		}
	}
}

func TestViewsSHA256(t *testing.T) {
	duck, err := ViewsSHA256(DuckDB())
	if err != nil {
		t.Fatal(err)
	}
	again, err := ViewsSHA256(DuckDB())
	if err != nil {
		t.Fatal(err)
	}
	big, err := ViewsSHA256(BigQuery("p", "d"))
	if err != nil {
		t.Fatal(err)
	}
	if len(duck) != 64 {
		t.Errorf("hash length = %d, want 64", len(duck))
	}
	if duck != again {
		t.Errorf("hash changes between calls: %s and %s", duck, again)
	}
	if duck == big {
		t.Errorf("duckdb and bigquery hashes are equal")
	}
}

func TestDialectValidation(t *testing.T) {
	if _, err := Views(Dialect{Name: "postgres"}); err == nil {
		t.Errorf("unknown dialect accepted")
	}
	if _, err := Views(Dialect{Name: BigQueryName}); err == nil {
		t.Errorf("bigquery without project and dataset accepted")
	}
	if _, err := DuckDB().table("a;b"); err == nil {
		t.Errorf("table name with a semicolon accepted")
	}
}
