package warehouse_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/transforms"
)

// TestBigQueryRejectsTooManyStagedFiles gives one partition 10,001 files,
// one URI each with a staging bucket, and checks that the load fails
// before anything is uploaded or loaded.
func TestBigQueryRejectsTooManyStagedFiles(t *testing.T) {
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
		Project: testProject, Dataset: testDataset, StagingBucket: "ep-staging", StagingThresholdBytes: 1 << 20,
	}, warehouse.Endpoints{BigQuery: srv.Endpoint(), Storage: gcs.URL() + "/storage/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	writeUsage(t, root, day("2026-07-01"), "small", "e1")
	dir := transforms.PartitionDir(root, transforms.TableUsage, day("2026-07-02"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The files stay empty: the check counts them before any is read.
	for i := 0; i < 10_001; i++ {
		name := filepath.Join(dir, fmt.Sprintf("part-s-%dof10001.parquet", i))
		if err := os.WriteFile(name, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	jobsBefore := len(srv.Jobs())
	err = w.ReplacePartitions(ctx, "run-1", root, []warehouse.TableLoad{{Table: transforms.TableUsage,
		Dates: []time.Time{day("2026-07-01"), day("2026-07-02")}}})
	if err == nil {
		t.Fatal("a partition of 10,001 staged files loaded, want an error")
	}
	for _, want := range []string{"partition 2026-07-02 of usage_events has 10001 Parquet files",
		"10000 source URIs", "fewer shards"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got := len(srv.Jobs()); got != jobsBefore {
		t.Errorf("%d jobs inserted before the error, want none", got-jobsBefore)
	}
	listed, err := gcs.ListObjectsWithOptionsPaginated("ep-staging", fakestorage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed.Objects) != 0 {
		t.Errorf("%d objects staged before the error, want none", len(listed.Objects))
	}
}
