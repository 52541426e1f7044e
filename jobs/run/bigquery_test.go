package run

import (
	"context"
	"strings"
	"testing"

	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
)

// TestDemoRunOnBigQueryFake runs the demo config, switched to BigQuery,
// against the fake and checks the jobs the run sent.
func TestDemoRunOnBigQueryFake(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Warehouse.Kind = "bigquery"
	cfg.Warehouse.Project, cfg.Warehouse.Dataset, cfg.Warehouse.Location = "acme-prod", "evidence", "US"
	cfg.Warehouse.StagingThresholdBytes = 64 << 20
	srv := bqfake.New()
	defer srv.Close()
	srv.QueryResult = packRows(cfg)
	m, err := Run(context.Background(), cfg, Options{From: date("2026-07-01"), To: date("2026-07-03"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if srv.Table("evidence", "usage_events") == nil {
		t.Fatal("usage_events was not created")
	}
	loads := map[string]bool{}
	views, runs := 0, 0
	for _, j := range srv.Jobs() {
		switch c := j.Configuration; {
		case c.Load != nil && c.Load.DestinationTable.TableId == "runs":
			runs++
		case c.Load != nil:
			loads[j.JobReference.JobId] = true
		case c.Query != nil && strings.HasPrefix(c.Query.Query, "-- "):
			views++
		}
	}
	want := "ep_" + m.RunID + "_usage_events_20260702"
	if !loads[want] {
		t.Errorf("no load job %s among %v", want, loads)
	}
	if views == 0 {
		t.Error("no view was created")
	}
	if runs != 1 {
		t.Errorf("%d runs records, want 1", runs)
	}
	if m.Status != StatusSucceeded {
		t.Errorf("status = %s", m.Status)
	}
}

func TestBigQueryLoadJobFailureFailsRun(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Warehouse.Kind = "bigquery"
	cfg.Warehouse.Project, cfg.Warehouse.Dataset = "acme-prod", "evidence"
	cfg.Warehouse.StagingThresholdBytes = 64 << 20
	srv := bqfake.New()
	defer srv.Close()
	srv.FailJob = bqfake.FailLoadsInto("cost_lines", "Error while reading data, error message: bad decimal")
	m, err := Run(context.Background(), cfg, Options{From: date("2026-07-01"), To: date("2026-07-01"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	if err == nil {
		t.Fatal("run succeeded although a load job failed")
	}
	// Restated cost dates outside the window are loaded too, so the
	// failed job may be of any date.
	if m.FailedStep != "load" || !strings.Contains(m.Error, "_cost_lines_2026") {
		t.Errorf("failed step %q error %q, want the load step naming the job", m.FailedStep, m.Error)
	}
	if !strings.Contains(m.Error, "bad decimal") {
		t.Errorf("error %q lacks the job's error result", m.Error)
	}
}
