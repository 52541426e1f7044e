package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/jobs/warehouse/bqfake"
)

func schemaOf(spec ...string) *bq.TableSchema {
	s := &bq.TableSchema{}
	for i := 0; i < len(spec); i += 2 {
		s.Fields = append(s.Fields, &bq.TableFieldSchema{Name: spec[i], Type: spec[i+1]})
	}
	return s
}

// stepQueryResult returns the result of a query of the contract or check
// step and true: no earlier run, no fact for freshness, and no failing
// rows except those of the check whose failing rows query contains
// failingKey. It returns false for a query of neither step.
func stepQueryResult(query, failingKey string, failing [][]any, failingSchema *bq.TableSchema) (*bq.TableSchema, [][]any, bool) {
	switch {
	case strings.HasPrefix(query, "SELECT run_id, manifest FROM "):
		return schemaOf("run_id", "STRING", "manifest", "STRING"), nil, true
	case strings.HasPrefix(query, "SELECT COUNT(*) FROM ("):
		n := 0
		if failingKey != "" && strings.Contains(query, failingKey) {
			n = len(failing)
		}
		return schemaOf("f0_", "INTEGER"), [][]any{{n}}, true
	case strings.HasPrefix(query, "SELECT * FROM (") && strings.Contains(query, ") AS failing ORDER BY "):
		return failingSchema, failing, true
	case strings.HasPrefix(query, "SELECT COUNT(*) FROM `acme-prod.evidence.check_results` WHERE run_id = ?"),
		strings.HasPrefix(query, "SELECT COUNT(*) FROM `acme-prod.evidence.source_freshness`"):
		return schemaOf("f0_", "INTEGER"), [][]any{{0}}, true
	case strings.HasPrefix(query, "SELECT MAX("):
		return schemaOf("f0_", "TIMESTAMP"), [][]any{{nil}}, true
	case strings.HasPrefix(query, "DELETE FROM "):
		return nil, nil, true
	}
	return nil, nil, false
}

// checkResultRows returns the rows of the JSON load jobs into
// check_results.
func checkResultRows(t *testing.T, srv *bqfake.Server) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, j := range srv.Jobs() {
		l := j.Configuration.Load
		if l == nil || l.DestinationTable.TableId != "check_results" {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(srv.Media(j.JobReference.JobId)))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var row map[string]any
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatal(err)
			}
			out = append(out, row)
		}
	}
	return out
}

func TestDemoRunBigQueryFailingCheckExits8(t *testing.T) {
	dir, srv := bigQueryWorkspace(t)
	serveAccounts(t, dir, srv)
	packs := srv.QueryResult
	negative := schemaOf("event_id", "STRING", "handle_time_seconds", "FLOAT")
	srv.QueryResult = func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		rows := [][]any{{"evt-1", -12.5}}
		if schema, rows, ok := stepQueryResult(query, "`handle_time_seconds` < ?", rows, negative); ok {
			return schema, rows
		}
		return packs(query, params)
	}
	res := runCLI(t, dir, "run", "--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-07-02")
	if res.code != 8 {
		t.Fatalf("run exit %d, want 8\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if want := "check usage_events.handle_time_seconds.range on usage_events: 1 failing rows"; !strings.Contains(res.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
	}

	var failed map[string]any
	rows := checkResultRows(t, srv)
	for _, row := range rows {
		if row["status"] != "passed" {
			if failed != nil {
				t.Errorf("second failed row %v", row)
			}
			failed = row
		}
	}
	if failed == nil || failed["check_name"] != "usage_events.handle_time_seconds.range" ||
		failed["sample"] != `[{"event_id":"evt-1","handle_time_seconds":-12.5}]` {
		t.Errorf("failed check_results row = %v among %d rows, want the range check with its sample", failed, len(rows))
	}

	if packs, _ := filepath.Glob(filepath.Join(dir, "out", "packs", "*", "*.json")); len(packs) != 0 {
		t.Errorf("packs written after a failed check: %v", packs)
	}
}

func TestCheckCommandBigQuery(t *testing.T) {
	dir, srv := bigQueryWorkspace(t)
	srv.AddDataset("acme-prod", "evidence")
	manifest := `{"run_id":"run-1","partitions_replaced":[{"table":"usage_events","dt":"2026-06-30","source":"product_events","rows":3}]}`
	srv.QueryResult = func(query string, _ []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		switch {
		case strings.HasPrefix(query, "SELECT run_id, CAST(date_from AS STRING), CAST(date_to AS STRING) FROM `acme-prod.evidence.runs`"):
			return schemaOf("run_id", "STRING", "f1_", "STRING", "f2_", "STRING"), [][]any{{"run-1", "2026-07-01", "2026-07-02"}}
		case strings.HasPrefix(query, "SELECT manifest FROM `acme-prod.evidence.runs` WHERE run_id = ?"):
			return schemaOf("manifest", "STRING"), [][]any{{manifest}}
		}
		schema, rows, _ := stepQueryResult(query, "", nil, nil)
		return schema, rows
	}

	res := runCLI(t, dir, "check", "--config", "config/demo.yaml", "--window")
	if res.code != 0 {
		t.Fatalf("check exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"checks of run run-1 (2026-07-01..2026-07-02)", "usage_events.not_null", "passed"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, res.stdout)
		}
	}

	var usageNotNull bool
	for _, j := range srv.Jobs() {
		c := j.Configuration
		if c.Load != nil || c.Query == nil || strings.HasPrefix(c.Query.Query, "DELETE") {
			t.Errorf("check wrote to the warehouse: %s", j.JobReference.JobId)
			continue
		}
		if !strings.HasPrefix(c.Query.Query, "SELECT COUNT(*) FROM (SELECT * FROM (SELECT * FROM `acme-prod.evidence.usage_events` WHERE dt IN") ||
			!strings.Contains(c.Query.Query, "`event_id` IS NULL") {
			continue
		}
		usageNotNull = true
		var dates []string
		for _, p := range c.Query.QueryParameters {
			dates = append(dates, p.ParameterValue.Value)
		}
		// --window reads the run's window and the partitions its manifest lists.
		if got := strings.Join(dates, ","); got != "2026-06-30,2026-07-01,2026-07-02" {
			t.Errorf("usage_events.not_null dates = %s, want the manifest's partition and the window", got)
		}
	}
	if !usageNotNull {
		t.Error("no window-limited usage_events.not_null query")
	}

	for _, r := range srv.Requests() {
		if r.Method != "GET" && !strings.HasSuffix(r.Path, "/queries") {
			t.Errorf("check sent %s %s", r.Method, r.Path)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "warehouse.duckdb")); !os.IsNotExist(err) {
		t.Errorf("check opened a DuckDB file on a BigQuery config (stat error %v)", err)
	}
}
