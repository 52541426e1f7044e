package sql

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// queryNames returns the names of the embedded queries.
func queryNames(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(queryFiles, "queries")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".sql"))
	}
	if len(names) == 0 {
		t.Fatal("no embedded query")
	}
	return names
}

func TestQueriesGolden(t *testing.T) {
	for _, d := range []Dialect{DuckDB(), BigQuery("acme-prod", "evidence")} {
		for _, name := range queryNames(t) {
			got, err := Query(d, name)
			if err != nil {
				t.Fatalf("render %s for %s: %v", name, d.Name, err)
			}
			golden := filepath.Join("testdata", "queries", d.Name, name+".sql")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if string(want) != got+"\n" {
				t.Errorf("%s rendering of query %s differs from %s (run with -update after checking)\n%s",
					d.Name, name, golden, got)
			}
		}
	}
}

// TestQueriesRunOnEmptyDuckDB prepares every query except source_state,
// whose table the run creates, on the tables and views of a fresh
// warehouse, so a query that names a missing column fails here.
func TestQueriesRunOnEmptyDuckDB(t *testing.T) {
	db := openDuckDB(t)
	if _, err := db.Exec(`CREATE TABLE source_state (source VARCHAR, key VARCHAR, value VARCHAR,
		run_id VARCHAR, updated_at TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	args := map[string][]any{
		"source_state":     {"product_events"},
		"cost_line_totals": {"2026-07-01", "2026-10-01"},
		"month_costs":      {"2026-07-01 00:00:00", "2026-10-01 00:00:00"},
		"month_values":     {"2026-07-01 00:00:00", "2026-10-01 00:00:00"},
	}
	for _, name := range queryNames(t) {
		query, err := Query(DuckDB(), name)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(query, args[name]...)
		if err != nil {
			t.Errorf("query %s: %v\n%s", name, err, query)
			continue
		}
		if rows.Next() {
			t.Errorf("query %s returns rows on empty tables", name)
		}
		rows.Close()
	}
}

func TestQueryRejectsUnknownNames(t *testing.T) {
	for _, name := range []string{"no_such_query", "../views/01_periods", ""} {
		if _, err := Query(DuckDB(), name); err == nil {
			t.Errorf("query %q rendered, want an error", name)
		}
	}
	if _, err := Query(Dialect{Name: BigQueryName}, "source_state"); err == nil {
		t.Error("bigquery query without project and dataset rendered, want an error")
	}
}

func TestBigQueryQueriesHaveNoDuckDBForms(t *testing.T) {
	for _, name := range queryNames(t) {
		query, err := Query(BigQuery("acme-prod", "evidence"), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range []string{"VARCHAR", "DECIMAL(", "\""} {
			if strings.Contains(query, form) {
				t.Errorf("bigquery query %s contains the DuckDB form %q:\n%s", name, form, query)
			}
		}
		if !strings.Contains(query, "FROM `acme-prod.evidence.") {
			t.Errorf("bigquery query %s reads no qualified table:\n%s", name, query)
		}
	}
}
