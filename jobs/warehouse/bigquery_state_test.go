package warehouse_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/jobs/warehouse/bqfake/duckmirror"
	"evidencepack/transforms"
)

// mirrorQueries makes the fake return the rows of its queries from a
// DuckDB copy of its tables. A query that the copy cannot run is a test
// error.
func mirrorQueries(t *testing.T, srv *bqfake.Server) *duckmirror.Mirror {
	t.Helper()
	m, err := duckmirror.New(srv, testProject, testDataset)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	srv.QueryResult = func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		schema, rows, err := m.Query(query, params)
		if err != nil {
			t.Errorf("mirror query %q: %v", query, err)
		}
		return schema, rows
	}
	return m
}

// stateBatch is a batch of one usage partition and the given marks.
func stateBatch(t *testing.T, runID string, marks ...warehouse.SourceMark) warehouse.Batch {
	t.Helper()
	root := t.TempDir()
	writeUsage(t, root, day("2026-07-01"), "product_events", "e1")
	return warehouse.Batch{RunID: runID, FactsDir: root, SourceMarks: marks,
		Tables: []warehouse.TableLoad{{Table: transforms.TableUsage, Dates: []time.Time{day("2026-07-01")}}},
		Views:  []warehouse.Statement{{Name: "v", SQL: "-- v: a view\nCREATE OR REPLACE VIEW v AS SELECT 1 AS x"}}}
}

func mark(source, key, value, at string) warehouse.SourceMark {
	ts, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	return warehouse.SourceMark{Source: source, Key: key, Value: value, UpdatedAt: ts}
}

func TestBigQueryEnsureTablesCreatesSourceState(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	if err := w.EnsureTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	table := srv.Table(testDataset, "source_state")
	if table == nil {
		t.Fatal("source_state was not created")
	}
	var got []string
	for _, f := range table.Schema.Fields {
		got = append(got, f.Name+" "+f.Type+" "+f.Mode)
	}
	want := "source STRING REQUIRED,key STRING REQUIRED,value STRING REQUIRED,run_id STRING REQUIRED,updated_at TIMESTAMP REQUIRED"
	if strings.Join(got, ",") != want {
		t.Errorf("source_state columns = %s\nwant %s", strings.Join(got, ","), want)
	}
	if table.TimePartitioning != nil {
		t.Error("source_state is partitioned, want a plain table")
	}
}

func TestBigQueryLoadAppendsMarksLast(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	b := stateBatch(t, "run-1",
		mark("product_events", "cursor", "42", "2026-07-02T01:00:00Z"),
		mark("incidents_api", "since", "2026-07-01T23:00:00Z", "2026-07-02T01:00:00Z"))
	if err := w.Load(ctx, b); err != nil {
		t.Fatal(err)
	}
	jobs := srv.Jobs()
	last := jobs[len(jobs)-1]
	if last.JobReference.JobId != "ep_run-1_source_state" {
		t.Fatalf("last job = %s, want ep_run-1_source_state after every fact, dimension and view job", last.JobReference.JobId)
	}
	l := last.Configuration.Load
	if l == nil || l.DestinationTable.TableId != "source_state" {
		t.Fatalf("last job is not a load into source_state: %s", jsonOf(last.Configuration))
	}
	if l.WriteDisposition != "WRITE_APPEND" || l.SourceFormat != "NEWLINE_DELIMITED_JSON" {
		t.Errorf("source_state load = %s %s, want WRITE_APPEND NEWLINE_DELIMITED_JSON", l.WriteDisposition, l.SourceFormat)
	}
	var rows []map[string]string
	for _, line := range strings.Split(strings.TrimSpace(string(srv.Media("ep_run-1_source_state"))), "\n") {
		var r map[string]string
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("row %q: %v", line, err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows appended, want 2", len(rows))
	}
	want := map[string]string{"source": "product_events", "key": "cursor", "value": "42", "run_id": "run-1",
		"updated_at": "2026-07-02T01:00:00.000000Z"}
	for k, v := range want {
		if rows[0][k] != v {
			t.Errorf("row 1 %s = %q, want %q", k, rows[0][k], v)
		}
	}
}

func TestBigQueryFailedLoadStoresNoMarks(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(*bq.Job) *bq.ErrorProto
	}{
		{"partition load", bqfake.FailLoadsInto("usage_events", "Error while reading data")},
		{"dimension load", bqfake.FailLoadsInto("pack_settings", "Error while reading data")},
		{"view", func(j *bq.Job) *bq.ErrorProto {
			if q := j.Configuration.Query; q != nil && strings.Contains(q.Query, "CREATE OR REPLACE VIEW") {
				return &bq.ErrorProto{Reason: "invalidQuery", Message: "Syntax error"}
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, srv := openFake(t, warehouse.BigQueryConfig{})
			ctx := context.Background()
			if err := w.EnsureTables(ctx); err != nil {
				t.Fatal(err)
			}
			srv.FailJob = tc.fail
			err := w.Load(ctx, stateBatch(t, "run-1", mark("product_events", "cursor", "42", "2026-07-02T01:00:00Z")))
			if err == nil {
				t.Fatal("load succeeded although a job failed")
			}
			for _, j := range srv.Jobs() {
				if l := j.Configuration.Load; l != nil && l.DestinationTable.TableId == "source_state" {
					t.Errorf("job %s appended marks although an earlier job failed", j.JobReference.JobId)
				}
			}
		})
	}
}

func TestBigQueryRetriedRunAppendsMarksOnce(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	b := stateBatch(t, "run-1", mark("product_events", "cursor", "42", "2026-07-02T01:00:00Z"))
	for attempt := 1; attempt <= 2; attempt++ {
		if err := w.Load(ctx, b); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
	}
	if got := len(srv.Loaded(testDataset, "source_state")); got != 1 {
		t.Errorf("source_state holds %d loads after two attempts of one run, want 1", got)
	}
}

func TestBigQueryReadSourceStateNewestMark(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	mirrorQueries(t, srv)
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	empty, err := w.ReadSourceState(ctx, "product_events")
	if err != nil {
		t.Fatal(err)
	}
	if len(empty) != 0 {
		t.Errorf("marks before any run = %v, want none", empty)
	}
	runs := []warehouse.Batch{
		stateBatch(t, "run-1", mark("product_events", "cursor", "4", "2026-07-02T01:00:00Z"),
			mark("other", "cursor", "900", "2026-07-02T01:00:00Z")),
		stateBatch(t, "run-2", mark("product_events", "cursor", "7", "2026-07-03T01:00:00Z")),
	}
	for _, b := range runs {
		if err := w.Load(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	state, err := w.ReadSourceState(ctx, "product_events")
	if err != nil {
		t.Fatal(err)
	}
	if len(state) != 1 || state["cursor"] != "7" {
		t.Errorf("marks = %v, want cursor 7 of the newer run", state)
	}

	var query *bq.JobConfigurationQuery
	for _, j := range srv.Jobs() {
		if q := j.Configuration.Query; q != nil && strings.Contains(q.Query, "source_state") {
			query = q
		}
	}
	if query == nil {
		t.Fatal("no query of source_state was sent")
	}
	wantSQL := "SELECT `key`, `value`\nFROM `acme-prod.evidence.source_state`\nWHERE source = ?\n" +
		"QUALIFY ROW_NUMBER() OVER (PARTITION BY `key` ORDER BY updated_at DESC, run_id DESC) = 1"
	if query.Query != wantSQL {
		t.Errorf("query =\n%s\nwant\n%s", query.Query, wantSQL)
	}
	if len(query.QueryParameters) != 1 {
		t.Fatalf("parameters = %s, want one", jsonOf(query.QueryParameters))
	}
	// A positional parameter has no name.
	p := query.QueryParameters[0]
	if p.Name != "" || p.ParameterType.Type != "STRING" || p.ParameterValue.Value != "product_events" {
		t.Errorf("parameter = %s, want STRING product_events", jsonOf(p))
	}
}
