package duckmirror_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/jobs/warehouse/bqfake/duckmirror"
	"evidencepack/transforms"
)

// loadedFake returns a fake with the warehouse tables, two usage events
// of 1 July and the marks of one run, and its mirror.
func loadedFake(t *testing.T) (*bqfake.Server, *duckmirror.Mirror, *warehouse.BigQuery) {
	t.Helper()
	srv := bqfake.New()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	w, err := warehouse.OpenBigQuery(ctx, warehouse.BigQueryConfig{Project: "acme-prod", Dataset: "evidence",
		StagingThresholdBytes: 1 << 20}, warehouse.Endpoints{BigQuery: srv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}

	root := t.TempDir()
	day := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	facts := []transforms.Fact{
		&transforms.UsageEvent{From: transforms.Origin{Source: "app"}, EventID: "e1", OccurredAt: day.Add(time.Hour),
			AccountID: "acme", EventType: "case_resolved"},
		&transforms.UsageEvent{From: transforms.Origin{Source: "app"}, EventID: "e2", OccurredAt: day.Add(2 * time.Hour),
			AccountID: "acme", EventType: "case_opened"},
	}
	if _, err := transforms.WritePartition(ctx, root, transforms.TableUsage,
		transforms.Partition{Date: day, Source: "app", Facts: facts}); err != nil {
		t.Fatal(err)
	}
	b := warehouse.Batch{RunID: "run-1", FactsDir: root,
		Tables:      []warehouse.TableLoad{{Table: transforms.TableUsage, Dates: []time.Time{day}}},
		SourceMarks: []warehouse.SourceMark{{Source: "pg", Key: "cursor", Value: "9", UpdatedAt: day.Add(3 * time.Hour)}}}
	if err := w.Load(ctx, b); err != nil {
		t.Fatal(err)
	}

	m, err := duckmirror.New(srv, "acme-prod", "evidence")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return srv, m, w
}

func param(typ, value string) *bq.QueryParameter {
	return &bq.QueryParameter{ParameterType: &bq.QueryParameterType{Type: typ},
		ParameterValue: &bq.QueryParameterValue{Value: value}}
}

func TestMirrorQueryEncodesRows(t *testing.T) {
	_, m, _ := loadedFake(t)
	schema, rows, err := m.Query("SELECT event_id, occurred_at, dt, CAST(1.5 AS DOUBLE) AS x, CAST(2.25 AS DECIMAL(38,18)) AS money, "+
		"COUNT(*) OVER () AS n FROM `acme-prod.evidence.usage_events` WHERE event_type = ? ORDER BY event_id",
		[]*bq.QueryParameter{param("STRING", "case_resolved")})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, f := range schema.Fields {
		types = append(types, f.Type)
	}
	if got := strings.Join(types, ","); got != "STRING,TIMESTAMP,DATE,FLOAT,BIGNUMERIC,INTEGER" {
		t.Errorf("types = %s", got)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows, want the one case_resolved event", len(rows))
	}
	occurred := time.Date(2026, 7, 1, 1, 0, 0, 0, time.UTC)
	want := []any{"e1", strconv.FormatInt(occurred.UnixMicro(), 10), "2026-07-01", "1.5", "2.250000000000000000", "1"}
	for i, v := range want {
		if rows[0][i] != v {
			t.Errorf("column %d = %v, want %v", i, rows[0][i], v)
		}
	}
}

func TestMirrorReadsAppendedJSON(t *testing.T) {
	_, m, _ := loadedFake(t)
	_, rows, err := m.Query("SELECT `key`, `value`, run_id, updated_at FROM `acme-prod.evidence.source_state` WHERE source = ?",
		[]*bq.QueryParameter{param("STRING", "pg")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d source_state rows, want 1", len(rows))
	}
	stored := time.Date(2026, 7, 1, 3, 0, 0, 0, time.UTC)
	want := []any{"cursor", "9", "run-1", strconv.FormatInt(stored.UnixMicro(), 10)}
	for i, v := range want {
		if rows[0][i] != v {
			t.Errorf("column %d = %v, want %v", i, rows[0][i], v)
		}
	}
}

func TestMirrorRebuildsOnlyAfterLoads(t *testing.T) {
	srv, m, w := loadedFake(t)
	query := "SELECT COUNT(*) FROM `acme-prod.evidence.usage_events`"
	for i := 0; i < 3; i++ {
		if _, _, err := m.Query(query, nil); err != nil {
			t.Fatal(err)
		}
	}
	if m.Builds() != 1 {
		t.Errorf("%d builds for three queries without a load in between, want 1", m.Builds())
	}
	if err := w.RecordRun(context.Background(), warehouse.RunRecord{RunID: "run-1", Status: "succeeded",
		From: "2026-07-01", To: "2026-07-01"}); err != nil {
		t.Fatal(err)
	}
	_, rows, err := m.Query("SELECT run_id, status FROM `acme-prod.evidence.runs`", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Builds() != 2 {
		t.Errorf("%d builds after a load into runs, want 2", m.Builds())
	}
	if len(rows) != 1 || rows[0][0] != "run-1" || rows[0][1] != "succeeded" {
		t.Errorf("runs rows = %v, want run-1 succeeded", rows)
	}
	if len(srv.Loaded("evidence", "runs")) != 1 {
		t.Errorf("runs contains %d loads, want 1", len(srv.Loaded("evidence", "runs")))
	}
}

func TestMirrorSkipsDDL(t *testing.T) {
	_, m, _ := loadedFake(t)
	schema, rows, err := m.Query("-- v: a view\nCREATE OR REPLACE VIEW `acme-prod.evidence.v` AS SELECT SAFE_DIVIDE(1, 0) AS x", nil)
	if err != nil {
		t.Fatalf("DDL: %v", err)
	}
	if len(schema.Fields) != 0 || len(rows) != 0 {
		t.Errorf("DDL returned %d columns and %d rows, want none", len(schema.Fields), len(rows))
	}
	if m.Builds() != 0 {
		t.Errorf("DDL built the copy %d times, want 0", m.Builds())
	}
}

func TestMirrorRejectsArrayParameters(t *testing.T) {
	_, m, _ := loadedFake(t)
	p := &bq.QueryParameter{ParameterType: &bq.QueryParameterType{Type: "ARRAY",
		ArrayType: &bq.QueryParameterType{Type: "STRING"}}, ParameterValue: &bq.QueryParameterValue{}}
	_, _, err := m.Query("SELECT 1 FROM `acme-prod.evidence.usage_events` WHERE account_id IN UNNEST(?)",
		[]*bq.QueryParameter{p})
	if err == nil || !strings.Contains(err.Error(), "scalar parameters only") {
		t.Errorf("error %v, want the scalar-only error", err)
	}
}
