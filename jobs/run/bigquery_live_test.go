package run

import (
	"context"
	"os"
	"testing"
	"time"

	"evidencepack/jobs/warehouse"
)

// Variables that point TestLiveBigQueryDemoWindow at a real BigQuery
// dataset. The test uses Application Default Credentials.
const (
	liveProjectEnv = "EVIDENCEPACK_LIVE_BIGQUERY_PROJECT"
	liveDatasetEnv = "EVIDENCEPACK_LIVE_BIGQUERY_DATASET"
	liveBucketEnv  = "EVIDENCEPACK_LIVE_BIGQUERY_BUCKET"
)

// TestLiveBigQueryDemoWindow runs the demo window against the real
// BigQuery service: it creates the tables, loads the partitions, renders
// the packs and then checks that the usage_events partitions hold the
// rows the run wrote. It replaces the window's partitions of the dataset
// it is given, so point it at a dataset for tests.
func TestLiveBigQueryDemoWindow(t *testing.T) {
	project, dataset := os.Getenv(liveProjectEnv), os.Getenv(liveDatasetEnv)
	if project == "" || dataset == "" {
		t.Skipf("set %s and %s (and optionally %s) to run against a real BigQuery dataset",
			liveProjectEnv, liveDatasetEnv, liveBucketEnv)
	}
	cfg := demoConfig(t)
	cfg.Warehouse.Kind = "bigquery"
	cfg.Warehouse.Project, cfg.Warehouse.Dataset = project, dataset
	cfg.Warehouse.StagingBucket = os.Getenv(liveBucketEnv)
	if cfg.Warehouse.StagingThresholdBytes == 0 {
		cfg.Warehouse.StagingThresholdBytes = 64 << 20
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	m, err := Run(ctx, cfg, Options{From: date("2026-07-01"), To: date("2026-07-03")})
	if err != nil {
		t.Fatalf("run against %s.%s: %v", project, dataset, err)
	}
	if len(m.Packs) == 0 {
		t.Error("the run wrote no pack")
	}

	var written int64
	for _, p := range m.Partitions {
		if p.Table == "usage_events" && p.Date >= "2026-07-01" && p.Date <= "2026-07-03" {
			written += int64(p.Rows)
		}
	}
	w, err := warehouse.OpenBigQuery(ctx, warehouse.BigQueryConfigOf(cfg), warehouse.Endpoints{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	table, err := w.Dialect().Table("usage_events")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := w.Query(ctx, "SELECT COUNT(*) FROM "+table+" WHERE dt BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)",
		"2026-07-01", "2026-07-03")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var loaded int64
	if !rows.Next() {
		t.Fatalf("count of usage_events returned no row: %v", rows.Err())
	}
	if err := rows.Scan(&loaded); err != nil {
		t.Fatal(err)
	}
	if loaded != written {
		t.Errorf("usage_events holds %d rows in the window, the run wrote %d", loaded, written)
	}
}
