package warehouse_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/transforms"
)

const (
	testProject = "acme-prod"
	testDataset = "evidence"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// openFake starts a fake BigQuery with the dataset and opens the
// warehouse on it.
func openFake(t *testing.T, c warehouse.BigQueryConfig) (*warehouse.BigQuery, *bqfake.Server) {
	t.Helper()
	srv := bqfake.New()
	t.Cleanup(srv.Close)
	srv.AddDataset(testProject, testDataset)
	c.Project, c.Dataset, c.Location = testProject, testDataset, "US"
	if c.StagingThresholdBytes == 0 {
		c.StagingThresholdBytes = 64 << 20
	}
	w, err := warehouse.OpenBigQuery(context.Background(), c, warehouse.Endpoints{BigQuery: srv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, srv
}

// writeUsage writes one Parquet file of usage events per source for date.
func writeUsage(t *testing.T, root string, date time.Time, source string, ids ...string) string {
	t.Helper()
	var facts []transforms.Fact
	for _, id := range ids {
		facts = append(facts, &transforms.UsageEvent{
			From: transforms.Origin{Source: source}, EventID: id, OccurredAt: date.Add(time.Hour),
			AccountID: "acme-health", EventType: "case_resolved",
		})
	}
	f, err := transforms.WritePartition(context.Background(), root, transforms.TableUsage,
		transforms.Partition{Date: date, Source: source, Facts: facts})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// jobByID returns the inserted job with id, failing the test without one.
func jobByID(t *testing.T, srv *bqfake.Server, id string) *bq.Job {
	t.Helper()
	for _, j := range srv.Jobs() {
		if j.JobReference.JobId == id {
			return j
		}
	}
	t.Fatalf("no job %s among %d jobs", id, len(srv.Jobs()))
	return nil
}

// parquetRows returns the row count of a Parquet file's bytes.
func parquetRows(t *testing.T, data []byte) int64 {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	return fr.ParquetReader().NumRows()
}

func findField(fields []*bq.TableFieldSchema, name string) *bq.TableFieldSchema {
	for _, f := range fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// nullable reports a NULLABLE field: the API leaves the default mode out.
func nullable(f *bq.TableFieldSchema) bool { return f.Mode == "" || f.Mode == "NULLABLE" }
