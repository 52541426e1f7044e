package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/config"
	"evidencepack/jobs/warehouse/bqfake"
)

// bigQueryWorkspace is the demo workspace with the config switched to a
// BigQuery warehouse served by a fake on loopback.
func bigQueryWorkspace(t *testing.T) (string, *bqfake.Server) {
	t.Helper()
	dir := demoWorkspace(t)
	path := filepath.Join(dir, "config", "demo.yaml")
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bigquery := "warehouse:\n  kind: bigquery\n  project: acme-prod\n  dataset: evidence\n  location: US\n"
	duckdb := "warehouse:\n  kind: duckdb\n  path: ../out/warehouse.duckdb\n"
	if !strings.Contains(string(text), duckdb) {
		t.Fatalf("demo config has no warehouse section to replace:\n%s", text)
	}
	text = []byte(strings.Replace(string(text), duckdb, bigquery, 1))
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := bqfake.New()
	t.Cleanup(srv.Close)
	t.Setenv("EVIDENCEPACK_BIGQUERY_ENDPOINT", srv.Endpoint())
	return dir, srv
}

func TestDemoValidateWarehouseBigQuery(t *testing.T) {
	dir, srv := bigQueryWorkspace(t)
	res := runCLI(t, dir, "validate", "--config", "config/demo.yaml", "--date", "2026-07-01", "--warehouse")
	if res.code != 0 {
		t.Fatalf("validate exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"create dataset evidence", "create table usage_events", "create table runs"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("validate output lacks %q:\n%s", want, res.stdout)
		}
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("validate sent %s %s", r.Method, r.Path)
		}
	}
}

// serveAccounts makes the fake return the accounts of the workspace's
// config and one pack_settings row, so that rendering finds every account
// and writes packs of zeros. The contract and check steps find no earlier
// run and no failing rows.
func serveAccounts(t *testing.T, dir string, srv *bqfake.Server) {
	t.Helper()
	cfg, err := config.Load(filepath.Join(dir, "config", "demo.yaml"), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	field := func(name, typ string) *bq.TableFieldSchema { return &bq.TableFieldSchema{Name: name, Type: typ} }
	srv.QueryResult = func(query string, _ []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		if schema, rows, ok := stepQueryResult(query, "", nil, nil); ok {
			return schema, rows
		}
		// The first table or view the query reads, so that a join with
		// accounts is not taken for a read of it.
		_, rest, _ := strings.Cut(query, "FROM `acme-prod.evidence.")
		view, _, _ := strings.Cut(rest, "`")
		switch {
		case view == "pack_settings" && strings.Contains(query, "COUNT(*)"):
			return &bq.TableSchema{Fields: []*bq.TableFieldSchema{field("n", "INTEGER")}}, [][]any{{1}}
		case view == "pack_settings":
			// The row has the columns the query selects, in its order.
			values := map[string]any{"verification_window_days": 7, "data_through": nil,
				"min_reviewed_cases": 20, "min_review_accuracy": 0.9, "max_sev1_incidents": 0,
				"max_incidents": 3, "min_usage_growth": 0.1}
			types := map[string]string{"verification_window_days": "INTEGER", "data_through": "TIMESTAMP",
				"min_reviewed_cases": "INTEGER", "min_review_accuracy": "FLOAT", "max_sev1_incidents": "INTEGER",
				"max_incidents": "INTEGER", "min_usage_growth": "FLOAT"}
			schema := &bq.TableSchema{}
			var row []any
			selected, _, _ := strings.Cut(query, " FROM ")
			for _, name := range strings.Split(strings.TrimPrefix(selected, "SELECT "), ",") {
				name = strings.TrimSpace(name)
				schema.Fields = append(schema.Fields, field(name, types[name]))
				row = append(row, values[name])
			}
			return schema, [][]any{row}
		case view == "accounts":
			var rows [][]any
			for _, a := range cfg.Accounts {
				rows = append(rows, []any{a.ID, a.Name, a.Currency, false})
			}
			return &bq.TableSchema{Fields: []*bq.TableFieldSchema{field("id", "STRING"), field("name", "STRING"),
				field("currency", "STRING"), field("learning", "BOOLEAN")}}, rows
		}
		return nil, nil
	}
}

func TestDemoRunBigQueryFake(t *testing.T) {
	dir, srv := bigQueryWorkspace(t)
	serveAccounts(t, dir, srv)
	res := runCLI(t, dir, "run", "--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-07-02")
	if res.code != 0 {
		t.Fatalf("run exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	packs, err := filepath.Glob(filepath.Join(dir, "out", "packs", "*", "*.json"))
	if err != nil || len(packs) == 0 {
		t.Errorf("no JSON pack under out/packs: %v", err)
	}
	loads := 0
	seen := map[string]bool{}
	for _, j := range srv.Jobs() {
		if l := j.Configuration.Load; l != nil && strings.Contains(l.DestinationTable.TableId, "$") {
			loads++
			if seen[l.DestinationTable.TableId] {
				t.Errorf("two load jobs into %s", l.DestinationTable.TableId)
			}
			seen[l.DestinationTable.TableId] = true
			if l.WriteDisposition != "WRITE_TRUNCATE" || l.SourceFormat != "PARQUET" {
				t.Errorf("job %s: %s %s", j.JobReference.JobId, l.WriteDisposition, l.SourceFormat)
			}
		}
	}
	if loads == 0 {
		t.Error("no partition load job")
	}
}
