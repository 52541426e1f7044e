package warehouse_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/transforms"
)

// usageLoad writes sources a and b on 07-01, only b on 07-02 and nothing
// on 07-03, and returns the load of that window.
func usageLoad(t *testing.T, root string) []warehouse.TableLoad {
	writeUsage(t, root, day("2026-07-01"), "a", "e1", "e2")
	writeUsage(t, root, day("2026-07-01"), "b", "e3")
	writeUsage(t, root, day("2026-07-02"), "b", "e4")
	return []warehouse.TableLoad{{Table: transforms.TableUsage,
		Dates: []time.Time{day("2026-07-01"), day("2026-07-02"), day("2026-07-03")}}}
}

func TestBigQueryLoadJobConfiguration(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	root := t.TempDir()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.ReplacePartitions(ctx, "run-abc", root, usageLoad(t, root)); err != nil {
		t.Fatal(err)
	}
	job := jobByID(t, srv, "ep_run-abc_usage_events_20260701")
	load := job.Configuration.Load
	if load == nil {
		t.Fatal("job is not a load job")
	}
	if got := load.DestinationTable.TableId; got != "usage_events$20260701" {
		t.Errorf("destination table = %s", got)
	}
	if load.WriteDisposition != "WRITE_TRUNCATE" {
		t.Errorf("writeDisposition = %s", load.WriteDisposition)
	}
	if load.SourceFormat != "PARQUET" {
		t.Errorf("sourceFormat = %s", load.SourceFormat)
	}
	if load.ParquetOptions == nil || !load.ParquetOptions.EnableListInference {
		t.Errorf("parquetOptions = %s, want enableListInference", jsonOf(load.ParquetOptions))
	}
	if got := strings.Join(load.DecimalTargetTypes, ","); got != "NUMERIC,BIGNUMERIC,STRING" {
		t.Errorf("decimalTargetTypes = %s", got)
	}
	if len(load.SchemaUpdateOptions) != 0 {
		t.Errorf("schemaUpdateOptions = %v, want none", load.SchemaUpdateOptions)
	}
	if f := findField(load.Schema.Fields, "event_id"); f == nil || f.Mode != "REQUIRED" {
		t.Errorf("load schema event_id = %s, want REQUIRED", jsonOf(f))
	}
	if f := findField(load.Schema.Fields, "workflow"); f == nil || !nullable(f) {
		t.Errorf("load schema workflow = %s, want NULLABLE", jsonOf(f))
	}
}

func TestBigQueryLoadAllSourcesOfDate(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	root := t.TempDir()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.ReplacePartitions(ctx, "run-abc", root, usageLoad(t, root)); err != nil {
		t.Fatal(err)
	}
	if n := parquetRows(t, srv.Media("ep_run-abc_usage_events_20260701")); n != 3 {
		t.Errorf("07-01 upload has %d rows, want 3 of sources a and b", n)
	}
	if n := parquetRows(t, srv.Media("ep_run-abc_usage_events_20260702")); n != 1 {
		t.Errorf("07-02 upload has %d rows, want 1", n)
	}
	deleted := strings.Join(srv.Deleted(), ",")
	if deleted != "usage_events$20260703" {
		t.Errorf("deleted = %s, want the empty date 07-03", deleted)
	}
	loads := 0
	for _, j := range srv.Jobs() {
		if j.Configuration.Load != nil {
			loads++
		}
	}
	if loads != 2 {
		t.Errorf("%d load jobs, want one per date with files", loads)
	}
}

func TestBigQueryLoadSourceDatesOutsideWindow(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	root := t.TempDir()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	writeUsage(t, root, day("2026-06-28"), "a", "old-a")
	writeUsage(t, root, day("2026-06-28"), "b", "old-b")
	loads := []warehouse.TableLoad{{Table: transforms.TableUsage,
		SourceDates: map[string][]time.Time{"a": {day("2026-06-28")}}}}
	if err := w.ReplacePartitions(ctx, "run-abc", root, loads); err != nil {
		t.Fatal(err)
	}
	if n := parquetRows(t, srv.Media("ep_run-abc_usage_events_20260628")); n != 2 {
		t.Errorf("06-28 upload has %d rows, want 2: source b's rows kept beside a's", n)
	}
}

func TestBigQueryRetryAttachesToJob(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	root := t.TempDir()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	loads := usageLoad(t, root)
	for range 2 {
		if err := w.ReplacePartitions(ctx, "run-abc", root, loads); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.Jobs()); n != 2 {
		t.Errorf("%d jobs after a retry, want the 2 of the first attempt", n)
	}
	attached := false
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/projects/acme-prod/jobs/ep_run-abc_usage_events_20260701" {
			attached = true
		}
	}
	if !attached {
		t.Error("the retry did not read the existing job")
	}
}

func TestBigQueryFailedJobNamesIt(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	srv.FailJob = func(j *bq.Job) *bq.ErrorProto {
		if l := j.Configuration.Load; l != nil && strings.HasSuffix(l.DestinationTable.TableId, "$20260702") {
			return &bq.ErrorProto{Reason: "invalid", Message: "Provided Schema does not match Table"}
		}
		return nil
	}
	ctx := context.Background()
	root := t.TempDir()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	err := w.ReplacePartitions(ctx, "run-abc", root, usageLoad(t, root))
	if err == nil {
		t.Fatal("a failed job did not fail the load")
	}
	if !strings.Contains(err.Error(), "ep_run-abc_usage_events_20260702") {
		t.Errorf("error %q does not name the job", err)
	}
	if !strings.Contains(err.Error(), "Provided Schema does not match") {
		t.Errorf("error %q does not carry the job's error result", err)
	}
}

func TestBigQueryRetryAfterFailedJob(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	failing := true
	srv.FailJob = func(j *bq.Job) *bq.ErrorProto {
		if failing {
			return &bq.ErrorProto{Reason: "backendError", Message: "transient"}
		}
		return nil
	}
	ctx := context.Background()
	root := t.TempDir()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	loads := usageLoad(t, root)
	loads[0].Dates = loads[0].Dates[:1]
	if err := w.ReplacePartitions(ctx, "run-abc", root, loads); err == nil {
		t.Fatal("first attempt: no error")
	}
	failing = false
	if err := w.ReplacePartitions(ctx, "run-abc", root, loads); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
	jobByID(t, srv, "ep_run-abc_usage_events_20260701_2")
}

func TestBigQueryTooLargeWithoutBucket(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{StagingThresholdBytes: 10})
	root := t.TempDir()
	err := w.ReplacePartitions(context.Background(), "run-abc", root, usageLoad(t, root))
	if err == nil || !strings.Contains(err.Error(), "staging_bucket") {
		t.Fatalf("error = %v, want a hint at staging_bucket", err)
	}
	if n := len(srv.Jobs()); n != 0 {
		t.Errorf("%d jobs started before the size check failed", n)
	}
}

func TestBigQueryCreatesMissingDataset(t *testing.T) {
	srv := bqfake.New()
	t.Cleanup(srv.Close)
	w, err := warehouse.OpenBigQuery(context.Background(), warehouse.BigQueryConfig{
		Project: testProject, Dataset: "fresh", Location: "EU"}, warehouse.Endpoints{BigQuery: srv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.EnsureTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	if srv.Table("fresh", "cost_lines") == nil {
		t.Error("cost_lines not created in the new dataset")
	}
}
