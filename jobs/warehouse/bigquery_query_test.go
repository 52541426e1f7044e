package warehouse_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	evsql "evidencepack/sql"
)

func TestBigQueryQueryParameters(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	srv.QueryResult = func(string, []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		return &bq.TableSchema{Fields: []*bq.TableFieldSchema{
				{Name: "account_id", Type: "STRING"}, {Name: "cases", Type: "INTEGER"}, {Name: "note", Type: "STRING"}}},
			[][]any{{"acme-health", 42, nil}}
	}
	rows, err := w.Query(context.Background(),
		"SELECT account_id, cases, note FROM `acme-prod.evidence.account_metrics` WHERE account_id = ? AND period = ?",
		"acme-health'; DROP TABLE x; --", "2026-Q3")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var id string
	var cases int64
	var note *string
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	if err := rows.Scan(&id, &cases, &note); err == nil {
		t.Error("scan of NULL into **string succeeded")
	}
	var anyNote any
	if err := rows.Scan(&id, &cases, &anyNote); err != nil {
		t.Fatal(err)
	}
	if id != "acme-health" || cases != 42 || anyNote != nil {
		t.Errorf("row = %q %d %v", id, cases, anyNote)
	}
	q := srv.Jobs()[len(srv.Jobs())-1].Configuration.Query
	if strings.Contains(q.Query, "acme-health") {
		t.Errorf("account id spliced into the SQL: %s", q.Query)
	}
	if len(q.QueryParameters) != 2 {
		t.Fatalf("parameters = %s, want 2", jsonOf(q.QueryParameters))
	}
	for _, p := range q.QueryParameters {
		if p.Name != "" {
			t.Errorf("parameter %s is named; ? takes positional ones", p.Name)
		}
	}
	if v := q.QueryParameters[0].ParameterValue.Value; v != "acme-health'; DROP TABLE x; --" {
		t.Errorf("first parameter = %q", v)
	}
}

func TestBigQueryViewsAsQueryJobs(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	views, err := evsql.Views(w.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	stmts := make([]warehouse.Statement, len(views))
	for i, v := range views {
		stmts[i] = warehouse.Statement{Name: v.Name, SQL: v.SQL}
	}
	if err := w.CreateViews(context.Background(), stmts); err != nil {
		t.Fatal(err)
	}
	jobs := srv.Jobs()
	if len(jobs) != len(views) {
		t.Fatalf("%d jobs for %d views", len(jobs), len(views))
	}
	for i, v := range views {
		golden, err := os.ReadFile(filepath.Join("..", "..", "sql", "testdata", "bigquery", v.Name+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		if got := jobs[i].Configuration.Query.Query; got != string(golden) {
			t.Errorf("view %s: query job SQL differs from its golden file", v.Name)
		}
	}
}

func TestBigQueryDimensionsAndRunRecord(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.LoadDimensions(ctx, "run-abc", nil, warehouse.PackSettings{VerificationWindowDays: 7}); err != nil {
		t.Fatal(err)
	}
	if err := w.RecordRun(ctx, warehouse.RunRecord{RunID: "run-abc", Status: "succeeded"}); err != nil {
		t.Fatal(err)
	}
	settings := jobByID(t, srv, "ep_run-abc_pack_settings").Configuration.Load
	if settings.SourceFormat != "NEWLINE_DELIMITED_JSON" || settings.WriteDisposition != "WRITE_TRUNCATE" {
		t.Errorf("pack_settings load = %s %s", settings.SourceFormat, settings.WriteDisposition)
	}
	if !strings.Contains(string(srv.Media("ep_run-abc_pack_settings")), `"verification_window_days":7`) {
		t.Errorf("pack_settings row = %s", srv.Media("ep_run-abc_pack_settings"))
	}
	var runs *bq.JobConfigurationLoad
	for _, j := range srv.Jobs() {
		if l := j.Configuration.Load; l != nil && l.DestinationTable.TableId == "runs" {
			runs = l
		}
	}
	if runs == nil || runs.WriteDisposition != "WRITE_APPEND" {
		t.Fatalf("runs load = %s, want WRITE_APPEND", jsonOf(runs))
	}
}

func TestBigQueryStagesInGCS(t *testing.T) {
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1", Port: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer gcs.Stop()
	gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "ep-staging"})
	srv := bqfake.New()
	defer srv.Close()
	srv.AddDataset(testProject, testDataset)
	w, err := warehouse.OpenBigQuery(context.Background(), warehouse.BigQueryConfig{
		Project: testProject, Dataset: testDataset, StagingBucket: "ep-staging", StagingPrefix: "loads",
		StagingThresholdBytes: 1 << 20,
	}, warehouse.Endpoints{BigQuery: srv.Endpoint(), Storage: gcs.URL() + "/storage/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx := context.Background()
	root := t.TempDir()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.ReplacePartitions(ctx, "run-abc", root, usageLoad(t, root)); err != nil {
		t.Fatal(err)
	}
	listed, err := gcs.ListObjectsWithOptionsPaginated("ep-staging", fakestorage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range listed.Objects {
		names = append(names, o.Name)
	}
	want := "loads/run-abc/usage_events/dt=2026-07-01/part-a.parquet,loads/run-abc/usage_events/dt=2026-07-01/part-b.parquet,loads/run-abc/usage_events/dt=2026-07-02/part-b.parquet"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("objects = %s\nwant %s", got, want)
	}
	load := jobByID(t, srv, "ep_run-abc_usage_events_20260701").Configuration.Load
	uris := strings.Join(load.SourceUris, ",")
	if uris != "gs://ep-staging/loads/run-abc/usage_events/dt=2026-07-01/part-a.parquet,gs://ep-staging/loads/run-abc/usage_events/dt=2026-07-01/part-b.parquet" {
		t.Errorf("sourceUris = %s", uris)
	}
	if srv.Media("ep_run-abc_usage_events_20260701") != nil {
		t.Error("a staged load also uploaded media")
	}
}
