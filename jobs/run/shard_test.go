package run

import (
	"context"
	"database/sql"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/transforms"
)

// factTableTotals returns, per fact table, the row count and the sum of
// DuckDB's hash of every row's text, so that loads of different rows
// almost surely differ.
func factTableTotals(t *testing.T, cfg *config.Config) map[string]string {
	t.Helper()
	db, err := sql.Open("duckdb", cfg.Resolve(cfg.Warehouse.Path)+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	for _, table := range transforms.Tables {
		var count, sum string
		q := "SELECT CAST(COUNT(*) AS VARCHAR), CAST(COALESCE(SUM(hash(CAST(t AS VARCHAR))), 0) AS VARCHAR) FROM " + table + " t"
		if err := db.QueryRow(q).Scan(&count, &sum); err != nil {
			t.Fatalf("totals of %s: %v", table, err)
		}
		out[table] = count + " rows, checksum " + sum
	}
	return out
}

// partFiles returns the names of the Parquet files under the facts tree,
// relative to it.
func partFiles(t *testing.T, cfg *config.Config) []string {
	t.Helper()
	root := filepath.Join(cfg.Resolve(cfg.OutputDir), "facts")
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runShards(t *testing.T, cfg *config.Config, opts Options, count int) {
	t.Helper()
	for i := 0; i < count; i++ {
		if _, err := RunShard(context.Background(), cfg, opts, Shard{Index: i, Count: count}); err != nil {
			t.Fatalf("shard %d/%d: %v", i, count, err)
		}
	}
}

func TestParseShard(t *testing.T) {
	if s, err := ParseShard("1/4"); err != nil || s != (Shard{Index: 1, Count: 4}) {
		t.Errorf("ParseShard(1/4) = %v, %v", s, err)
	}
	for _, bad := range []string{"", "4/4", "-1/2", "1/0", "a/2", "1"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) succeeded", bad)
		}
	}
}

func TestShardedRunMatchesUnsharded(t *testing.T) {
	cfg := demoConfig(t)
	ctx := context.Background()
	opts := Options{From: date("2026-07-01"), To: date("2026-07-03")}
	if _, err := Run(ctx, cfg, opts); err != nil {
		t.Fatalf("unsharded run: %v", err)
	}
	want := factTableTotals(t, cfg)

	runShards(t, cfg, opts, 2)
	m, err := Finalize(ctx, cfg, opts)
	if err != nil {
		t.Fatalf("finalize: %v", err)
	}
	got := factTableTotals(t, cfg)
	for _, table := range transforms.Tables {
		if got[table] != want[table] {
			t.Errorf("%s after shards and finalize: %s, unsharded: %s", table, got[table], want[table])
		}
	}
	if strings.HasPrefix(want["usage_events"], "0 rows") {
		t.Error("the unsharded run loaded no usage event, so the comparison proves nothing")
	}
	var shard0, shard1 bool
	for _, f := range partFiles(t, cfg) {
		base := path.Base(filepath.ToSlash(f))
		shard0 = shard0 || strings.HasSuffix(base, "-0of2.parquet")
		shard1 = shard1 || strings.HasSuffix(base, "-1of2.parquet")
		in := strings.Contains(f, "dt=2026-07-01") || strings.Contains(f, "dt=2026-07-02") || strings.Contains(f, "dt=2026-07-03")
		if in && shardFile.FindStringSubmatch(base) == nil {
			t.Errorf("file %s of an unsharded run is left in the window", f)
		}
	}
	if !shard0 || !shard1 {
		t.Errorf("shard files: 0of2 %v, 1of2 %v, want both", shard0, shard1)
	}
	if m.Status != StatusSucceeded || len(m.Packs) == 0 {
		t.Errorf("finalize status %s with %d packs", m.Status, len(m.Packs))
	}
}

func TestFinalizeRejectsMissingShard(t *testing.T) {
	cfg := demoConfig(t)
	opts := Options{From: date("2026-07-01"), To: date("2026-07-01")}
	if _, err := RunShard(context.Background(), cfg, opts, Shard{Index: 0, Count: 2}); err != nil {
		t.Fatalf("shard 0/2: %v", err)
	}
	_, err := Finalize(context.Background(), cfg, opts)
	if err == nil || !strings.Contains(err.Error(), "shard 1/2") {
		t.Errorf("finalize with shard 1/2 missing: %v", err)
	}
}

func TestBigQueryFinalizeOneLoadPerDate(t *testing.T) {
	gcs, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1", Port: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer gcs.Stop()
	gcs.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "ep-staging"})
	srv := bqfake.New()
	defer srv.Close()
	cfg := bigQueryDemoConfig(t)
	cfg.Warehouse.StagingBucket = "ep-staging"
	srv.QueryResult = packRows(cfg)
	opts := Options{From: date("2026-07-01"), To: date("2026-07-03"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint(), Storage: gcs.URL() + "/storage/v1/"}}
	runShards(t, cfg, opts, 2)
	if n := len(srv.Jobs()); n != 0 {
		t.Fatalf("shard runs sent %d BigQuery jobs, want none", n)
	}
	m, err := Finalize(context.Background(), cfg, opts)
	if err != nil {
		t.Fatalf("finalize: %v", err)
	}
	root := filepath.Join(cfg.Resolve(cfg.OutputDir), "facts")
	perPartition := map[string]int{}
	bothShards := 0
	for _, j := range srv.Jobs() {
		l := j.Configuration.Load
		if l != nil && l.DestinationTable.TableId == "source_state" {
			// Shards read file sources only, so no run of the window has
			// marks to store.
			t.Errorf("finalize appended marks with job %s", j.JobReference.JobId)
		}
		if l == nil || !strings.Contains(l.DestinationTable.TableId, "$") {
			continue
		}
		perPartition[l.DestinationTable.TableId]++
		table, day, _ := strings.Cut(l.DestinationTable.TableId, "$")
		dt := day[:4] + "-" + day[4:6] + "-" + day[6:]
		local, err := os.ReadDir(filepath.Join(root, table, "dt="+dt))
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, e := range local {
			want = append(want, e.Name())
		}
		for _, uri := range l.SourceUris {
			got = append(got, path.Base(uri))
		}
		slices.Sort(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("load of %s reads %v, want every file of the date %v", l.DestinationTable.TableId, got, want)
		}
		if strings.Contains(strings.Join(got, ","), "-0of2.parquet") && strings.Contains(strings.Join(got, ","), "-1of2.parquet") {
			bothShards++
		}
	}
	if len(perPartition) == 0 {
		t.Fatal("finalize sent no partition load")
	}
	for id, n := range perPartition {
		if n != 1 {
			t.Errorf("%d load jobs into %s, want 1", n, id)
		}
	}
	if bothShards == 0 {
		t.Error("no load job reads the files of both shards")
	}
	if m.Status != StatusSucceeded || len(m.Packs) == 0 {
		t.Errorf("finalize status %s with %d packs", m.Status, len(m.Packs))
	}
}
