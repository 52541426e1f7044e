package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"
	"golang.org/x/sync/errgroup"

	"evidencepack/transforms"
)

// maxJobAttempts bounds the job ids tried for one load: an earlier run
// with the same run id may have left a failed job under the first id.
const maxJobAttempts = 5

// partitionLoad is the load of one table and date: every Parquet file of
// the partition directory, of all sources.
type partitionLoad struct {
	table string
	date  time.Time
	files []string
	bytes int64
}

// Load replaces the partitions, then the accounts and pack settings, then
// the views, and last appends the marks of live sources. Each partition
// is replaced atomically by its own load job, so a failed run may leave
// some of its dates replaced and others not. Running the same window
// again replaces them all. The marks are stored only after every other
// job succeeded, so a failed load never advances them.
func (w *BigQuery) Load(ctx context.Context, b Batch) error {
	if err := w.ReplacePartitions(ctx, b.RunID, b.FactsDir, b.Tables); err != nil {
		return err
	}
	if err := w.LoadDimensions(ctx, b.RunID, b.Accounts, b.Settings); err != nil {
		return err
	}
	if err := w.CreateViews(ctx, b.Views); err != nil {
		return err
	}
	return w.writeSourceState(ctx, b.RunID, b.SourceMarks)
}

// ReplacePartitions replaces every partition the loads cover: the dates
// of the window for every source and the dates each source replaces
// outside it. One load job per table and date reads every
// part-<source>.parquet file of the date, of sources this run did not
// read too, and truncates the partition, so it ends up holding exactly
// the current Parquet tree. A date with no file left is deleted.
func (w *BigQuery) ReplacePartitions(ctx context.Context, runID, factsDir string, tables []TableLoad) error {
	loads, err := partitionLoads(factsDir, tables)
	if err != nil {
		return err
	}
	if err := w.checkSizes(loads); err != nil {
		return err
	}
	if err := checkLoadLimits(loads, w.cfg.StagingBucket != ""); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(loadParallelism)
	for _, p := range loads {
		g.Go(func() error { return w.replacePartition(gctx, runID, p) })
	}
	return g.Wait()
}

// checkSizes fails before any load when a partition is too large to go
// with the load request and no staging bucket is configured.
func (w *BigQuery) checkSizes(loads []partitionLoad) error {
	if w.cfg.StagingBucket != "" {
		return nil
	}
	for _, p := range loads {
		if p.bytes > w.cfg.StagingThresholdBytes {
			return fmt.Errorf("partition %s of %s has %d bytes of Parquet, above warehouse.staging_threshold_bytes %d; set warehouse.staging_bucket",
				p.date.Format(time.DateOnly), p.table, p.bytes, w.cfg.StagingThresholdBytes)
		}
	}
	return nil
}

func (w *BigQuery) replacePartition(ctx context.Context, runID string, p partitionLoad) error {
	if len(p.files) == 0 {
		return w.deletePartition(ctx, p)
	}
	src, cleanup, err := w.stageSource(ctx, runID, p)
	if err != nil {
		return err
	}
	defer cleanup()
	schema, err := w.loadSchema(p.table)
	if err != nil {
		return err
	}
	dst := w.dataset.Table(p.table + "$" + p.date.Format("20060102"))
	base := JobID(runID, p.table, p.date)
	return w.runLoad(ctx, base, func() (*bigquery.Loader, func(), error) {
		ls, closeSource, err := src()
		if err != nil {
			return nil, nil, err
		}
		setParquet(ls, schema)
		l := dst.LoaderFrom(ls)
		l.WriteDisposition = bigquery.WriteTruncate
		l.CreateDisposition = bigquery.CreateNever
		l.DecimalTargetTypes = decimalTargets
		return l, closeSource, nil
	})
}

// decimalTargets lets BigQuery pick BIGNUMERIC for the scale of 18 that
// money has, since NUMERIC keeps 9 fractional digits.
var decimalTargets = []bigquery.DecimalTargetType{
	bigquery.NumericTargetType, bigquery.BigNumericTargetType, bigquery.StringTargetType}

// setParquet configures a Parquet source. The schema is the table's, so an
// all-null column keeps its declared type.
func setParquet(src bigquery.LoadSource, schema bigquery.Schema) {
	var fc *bigquery.FileConfig
	switch s := src.(type) {
	case *bigquery.ReaderSource:
		fc = &s.FileConfig
	case *bigquery.GCSReference:
		fc = &s.FileConfig
	default:
		return
	}
	fc.SourceFormat = bigquery.Parquet
	fc.ParquetOptions = &bigquery.ParquetOptions{EnableListInference: true}
	fc.Schema = schema
}

// JobID returns the id of the load job of one table and date of a run. It
// does not depend on the attempt, so a retried insert finds the job of the
// first attempt instead of loading twice.
func JobID(runID, table string, date time.Time) string {
	return "ep_" + runID + "_" + table + "_" + date.Format("20060102")
}

// deletePartition removes a date that has no Parquet file left.
func (w *BigQuery) deletePartition(ctx context.Context, p partitionLoad) error {
	err := w.dataset.Table(p.table + "$" + p.date.Format("20060102")).Delete(ctx)
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("delete partition %s of %s: %w", p.date.Format(time.DateOnly), p.table, err)
	}
	return nil
}

// partitionLoads lists, per table, the dates to replace and their files.
func partitionLoads(factsDir string, tables []TableLoad) ([]partitionLoad, error) {
	var out []partitionLoad
	for _, t := range tables {
		for _, d := range datesOf(t) {
			files, size, err := PartitionFiles(factsDir, t.Table, d)
			if err != nil {
				return nil, err
			}
			out = append(out, partitionLoad{table: t.Table, date: d, files: files, bytes: size})
		}
	}
	return out, nil
}

// datesOf returns the window dates and every source's dates, sorted and
// without repeats.
func datesOf(t TableLoad) []time.Time {
	seen := map[time.Time]bool{}
	var out []time.Time
	add := func(ds []time.Time) {
		for _, d := range ds {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	add(t.Dates)
	for _, ds := range t.SourceDates {
		add(ds)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// PartitionFiles returns the part-*.parquet files of one table and date,
// sorted, and their total size: the file of every source, and of every
// shard of a sharded run. Temporary files of a writer are left out.
func PartitionFiles(factsDir, table string, date time.Time) ([]string, int64, error) {
	dir := transforms.PartitionDir(factsDir, table, date)
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("list partition %s: %w", dir, err)
	}
	var files []string
	var size int64
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), "part-") || !strings.HasSuffix(e.Name(), ".parquet") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, 0, fmt.Errorf("list partition %s: %w", dir, err)
		}
		files = append(files, filepath.Join(dir, e.Name()))
		size += info.Size()
	}
	return files, size, nil
}
