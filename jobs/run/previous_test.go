package run

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
)

// recordedRun is one row of the runs table in the tests of previousSchemas
// and previousRun.
type recordedRun struct {
	id, status, from, to string
	finished             time.Time
	manifest             Manifest
}

// warehouseWithRuns returns a DuckDB warehouse whose runs table holds runs.
func warehouseWithRuns(t *testing.T, runs []recordedRun) *warehouse.DuckDB {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.OpenDuckDB(ctx, filepath.Join(t.TempDir(), "warehouse.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.from == "" {
			r.from, r.to = "2026-07-01", "2026-07-01"
		}
		text, err := json.Marshal(r.manifest)
		if err != nil {
			t.Fatal(err)
		}
		rec := warehouse.RunRecord{RunID: r.id, Status: r.status, From: r.from, To: r.to,
			StartedAt: r.finished.Add(-time.Minute), FinishedAt: r.finished, Manifest: string(text)}
		if err := w.RecordRun(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// schemaOf returns input schemas with one source and one column.
func schemaOf(column string) map[string]*InputSchema {
	return map[string]*InputSchema{"cloud_bill": {Columns: []InputColumn{{Name: column}}}}
}

// renderedFacts returns render inputs that list n fact files, as the
// manifest of a run on a long history does.
func renderedFacts(n int) *RenderInputs {
	in := &RenderInputs{}
	for i := range n {
		in.Facts = append(in.Facts, PartitionInfo{Table: "usage_events", Date: "2026-01-01",
			File: filepath.Join("facts", "usage_events", "dt=2026-01-01", fmt.Sprintf("part-%d.parquet", i))})
	}
	return in
}

func TestPreviousSchemas(t *testing.T) {
	at := func(hour int) time.Time { return time.Date(2026, 7, 2, hour, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		runs   []recordedRun
		wantID string
		want   map[string]*InputSchema
	}{
		{name: "no runs"},
		{
			name: "newest succeeded run without schemas",
			runs: []recordedRun{
				{id: "run-a", status: StatusSucceeded, finished: at(1),
					manifest: Manifest{InputSchemas: schemaOf("A"), RenderInputs: renderedFacts(50)}},
				{id: "run-b", status: StatusSucceeded, finished: at(2)},
			},
			wantID: "run-a", want: schemaOf("A"),
		},
		{
			name: "newer failed run",
			runs: []recordedRun{
				{id: "run-a", status: StatusSucceeded, finished: at(1), manifest: Manifest{InputSchemas: schemaOf("A")}},
				{id: "run-b", status: StatusFailed, finished: at(2), manifest: Manifest{InputSchemas: schemaOf("B")}},
			},
			wantID: "run-a", want: schemaOf("A"),
		},
		{
			name: "same run id twice",
			runs: []recordedRun{
				{id: "run-a", status: StatusSucceeded, finished: at(3), manifest: Manifest{InputSchemas: schemaOf("C")}},
				{id: "run-a", status: StatusSucceeded, finished: at(1), manifest: Manifest{InputSchemas: schemaOf("A")}},
			},
			wantID: "run-a", want: schemaOf("C"),
		},
		{
			name: "schemas only before the latest 20",
			runs: func() []recordedRun {
				runs := []recordedRun{{id: "run-old", status: StatusSucceeded, finished: at(0),
					manifest: Manifest{InputSchemas: schemaOf("A")}}}
				for i := range previousRunsSearched {
					runs = append(runs, recordedRun{id: "run-new", status: StatusSucceeded,
						finished: at(1).Add(time.Duration(i) * time.Minute)})
				}
				return runs
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := warehouseWithRuns(t, tt.runs)
			id, got, err := previousSchemas(context.Background(), w, evsql.DuckDB())
			if err != nil {
				t.Fatal(err)
			}
			if id != tt.wantID {
				t.Errorf("run id = %q, want %q", id, tt.wantID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				gotJSON, _ := json.Marshal(got)
				wantJSON, _ := json.Marshal(tt.want)
				t.Errorf("schemas = %s, want %s", gotJSON, wantJSON)
			}
		})
	}
}

func TestPreviousRunRowCounts(t *testing.T) {
	parts := []PartitionInfo{
		{Table: "cost_lines", Date: "2026-06-01", Source: "cloud_bill", Rows: 3},
		{Table: "cost_lines", Date: "2026-06-02", Source: "cloud_bill", Rows: 4},
		{Table: "usage_events", Date: "2026-06-02", Source: "product_events", Rows: 5},
		// A date that a replace: input_dates source replaced outside the window.
		{Table: "cost_lines", Date: "2026-05-30", Source: "cloud_bill", Rows: 9},
	}
	finished := time.Date(2026, 6, 3, 1, 0, 0, 0, time.UTC)
	runs := []recordedRun{
		{id: "run-prev", status: StatusSucceeded, from: "2026-06-01", to: "2026-06-02", finished: finished,
			manifest: Manifest{Partitions: parts, RenderInputs: renderedFacts(50)}},
		{id: "run-other", status: StatusSucceeded, from: "2026-06-01", to: "2026-06-03", finished: finished.Add(time.Hour),
			manifest: Manifest{Partitions: parts[:1]}},
	}
	w := warehouseWithRuns(t, runs)
	ctx := context.Background()

	prev, err := previousRun(ctx, w, evsql.DuckDB(), date("2026-06-01"), date("2026-06-02"), "run-now")
	if err != nil {
		t.Fatal(err)
	}
	if prev == nil {
		t.Fatal("previous run = nil, want run-prev")
	}
	if prev.RunID != "run-prev" {
		t.Errorf("previous run = %s, want run-prev", prev.RunID)
	}
	want := map[string]int64{"cost_lines": 7, "usage_events": 5}
	if !reflect.DeepEqual(prev.Rows, want) {
		t.Errorf("rows = %v, want %v", prev.Rows, want)
	}

	prev, err = previousRun(ctx, w, evsql.DuckDB(), date("2026-06-01"), date("2026-06-02"), "run-prev")
	if err != nil {
		t.Fatal(err)
	}
	if prev != nil {
		t.Errorf("previous run of run-prev itself = %s, want none", prev.RunID)
	}
}
