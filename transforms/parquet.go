package transforms

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// BatchRows is the number of rows in each Parquet row group. A writer
// holds one row group's pages in memory until the group is complete, and
// a run writes two partitions at once, so this bounds the memory of the
// write step. On the usage benchmark, row groups of 32Ki rows instead of
// 64Ki lowered the peak RSS at 5M rows from about 170 to 157 MiB, made the
// files 2% larger and left the time unchanged.
const BatchRows = 32 * 1024

// buildRows is the number of rows in each Arrow record batch. Batches are
// written to a buffered row group until it holds BatchRows rows, so a
// batch is a quarter of a row group in memory. arrow-go's column writers
// split every batch into pieces of WriteBatchSize (1024) values and cut
// pages between pieces, so batches of a multiple of 1024 rows give the
// pages and file that one batch per row group gives.
const buildRows = 8 * 1024

// LegacyPartFile is the name of the single Parquet file of a partition in
// the layout before one file per source. Writing a partition removes it.
const LegacyPartFile = "part-00000.parquet"

// PartFileName returns the name of a source's Parquet file in a partition:
// part-<source>.parquet. Each source of a table has its own file, so a run
// can replace one source's rows of a date and leave the others'.
func PartFileName(source string) string {
	return "part-" + source + ".parquet"
}

// ShardPartFileName returns the name of a source's Parquet file written by
// shard index of count shards: part-<source>-<index>of<count>.parquet, so
// that the shards of one run never write the same file.
func ShardPartFileName(source string, index, count int) string {
	return fmt.Sprintf("part-%s-%dof%d.parquet", source, index, count)
}

// PartitionDir returns the hive-style directory of a table's partition:
// root/table/dt=YYYY-MM-DD.
func PartitionDir(root, table string, dt time.Time) string {
	return filepath.Join(root, table, "dt="+dt.Format(time.DateOnly))
}

// writerProps fixes every property that reaches the file, so that the same
// rows give byte-identical files.
//
// NOTE: arrow-go v18.9 lists a column chunk's encoding stats in Go map
// order. When a chunk's dictionary outgrows its 1 MiB limit after the
// first values, the chunk has dictionary-encoded and plain data pages,
// and the footer lists the two in either order from run to run. Keys,
// case ids and timestamps are written plain, so only a long free-text
// column such as feedback_text can still reach that limit.
func writerProps(schema *arrow.Schema) *parquet.WriterProperties {
	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCreatedBy("evidencepack"),
		parquet.WithMaxRowGroupLength(BatchRows),
		parquet.WithStats(true),
	}
	for _, f := range schema.Fields() {
		if plainColumn(f) {
			opts = append(opts, parquet.WithDictionaryFor(f.Name, false))
		}
	}
	return parquet.NewWriterProperties(opts...)
}

// plainColumns are the string columns written without a dictionary: the
// keys of the fact tables, with one value per row, and case ids, with a
// handful of rows per value.
var plainColumns = map[string]bool{
	"event_id": true, "label_id": true, "line_id": true, "incident_id": true, "case_id": true,
}

// plainColumn reports whether a column is written without a dictionary.
// Keys, case ids, timestamps and amounts have a distinct value every row
// or every few rows. A dictionary of them costs a hash of every value and
// memory for its hash table, and for keys it outgrows its page limit, so
// the writer falls back to plain pages anyway. On the 1M-row costs
// benchmark, plain amounts cut the write step's live heap from 74 to
// 57 MiB and the files from 63.7 to 57.9 MB. zstd still removes the
// repeats of plain pages: the 1M-row usage benchmark wrote 12.8 MB of
// Parquet files instead of 19 MB.
func plainColumn(f arrow.Field) bool {
	return plainColumns[f.Name] || f.Type.ID() == arrow.TIMESTAMP || f.Type.ID() == arrow.DECIMAL128
}

// WritePartition writes the facts of one source's partition of table to
// root/table/dt=…/part-<source>.parquet, as WritePartitionFacts does.
func WritePartition(ctx context.Context, root, table string, p Partition) (string, error) {
	facts := p.Facts
	next := func() (Fact, error) {
		if len(facts) == 0 {
			return nil, nil
		}
		f := facts[0]
		facts = facts[1:]
		return f, nil
	}
	fill := func(b *array.RecordBuilder) (int, error) { return appendBatch(b, next) }
	file, _, err := writePartition(ctx, root, table, p.Date, p.Source, PartFileName(p.Source), fill)
	return file, err
}

// WritePartitionFacts writes the streamed facts of one source's partition
// of table to root/table/dt=…/part-<source>.parquet and returns the file
// and its row count. The file is written under a temporary name, synced
// and renamed, so readers see the old file or the new one, never a
// partial one. The files of other sources are left alone, and a file of
// the legacy layout is removed after the rename.
func WritePartitionFacts(ctx context.Context, root, table string, p *PartitionFacts) (string, int64, error) {
	return writePartition(ctx, root, table, p.Date, p.Source, PartFileName(p.Source), p.appendBatch)
}

// WritePartitionFactsAs writes as WritePartitionFacts does, to the file
// name given instead of part-<source>.parquet.
func WritePartitionFactsAs(ctx context.Context, root, table string, p *PartitionFacts, name string) (string, int64, error) {
	return writePartition(ctx, root, table, p.Date, p.Source, name, p.appendBatch)
}

// writePartition writes the rows that fill appends, up to buildRows per
// call until it appends none, as the partition of table at date.
func writePartition(ctx context.Context, root, table string, date time.Time, source, name string,
	fill func(*array.RecordBuilder) (int, error)) (string, int64, error) {
	if source == "" {
		return "", 0, fmt.Errorf("write %s partition %s: the partition names no source",
			table, date.Format(time.DateOnly))
	}
	schema, err := SchemaOf(table)
	if err != nil {
		return "", 0, err
	}
	dir := PartitionDir(root, table, date)
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return "", 0, fmt.Errorf("create partition directory: %w", err)
	}
	final := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return "", 0, fmt.Errorf("create temporary parquet file: %w", err)
	}
	defer os.Remove(tmp.Name())

	fw, err := pqarrow.NewFileWriter(schema, tmp, writerProps(schema), pqarrow.DefaultWriterProps())
	if err != nil {
		tmp.Close()
		return "", 0, fmt.Errorf("open parquet writer for %s: %w", final, err)
	}
	rows, err := writeBatches(ctx, fw, schema, fill)
	if err != nil {
		fw.Close()
		return "", 0, fmt.Errorf("write %s: %w", final, err)
	}
	if err := fw.Close(); err != nil {
		return "", 0, fmt.Errorf("close parquet writer for %s: %w", final, err)
	}
	if err := publish(tmp.Name(), final); err != nil {
		return "", 0, err
	}
	return final, rows, removeFile(filepath.Join(dir, LegacyPartFile))
}

// appendBatch appends up to buildRows facts to b.
func appendBatch(b *array.RecordBuilder, next func() (Fact, error)) (int, error) {
	for n := 0; n < buildRows; n++ {
		f, err := next()
		if err != nil || f == nil {
			return n, err
		}
		AppendFact(b, f)
	}
	return buildRows, nil
}

// appendBatch appends up to buildRows of the partition's facts to b from
// their spill encoding.
func (p *PartitionFacts) appendBatch(b *array.RecordBuilder) (int, error) {
	dt := arrow.Date32FromTime(p.Date)
	for n := 0; n < buildRows; n++ {
		body, ok, err := p.r.next()
		if err != nil || !ok {
			return n, err
		}
		if err := appendEncoded(b, &p.r.dec, body, p.Source, dt); err != nil {
			return n, fmt.Errorf("read spill file: %w", err)
		}
	}
	return buildRows, nil
}

// publish syncs the closed temporary file, renames it to final and syncs
// the directory so the rename survives a crash.
func publish(tmp, final string) error {
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("reopen %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Chmod(FileMode); err != nil {
		f.Close()
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("publish %s: %w", final, err)
	}
	return SyncDir(filepath.Dir(final))
}

// SyncDir flushes a directory's entries to disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// RemoveOtherFiles deletes the Parquet files of a table's partition whose
// names are not in keep, and the partition directory once it is empty. It
// returns the names it removed. A run calls it for the dates it replaces
// for every source, so files of sources that no longer have rows go.
func RemoveOtherFiles(root, table string, dt time.Time, keep map[string]bool) ([]string, error) {
	dir := PartitionDir(root, table, dt)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if keep[name] || !strings.HasSuffix(name, ".parquet") {
			continue
		}
		if err := removeFile(filepath.Join(dir, name)); err != nil {
			return removed, err
		}
		removed = append(removed, name)
	}
	return removed, removeEmptyDir(dir)
}

// RemoveSourceFile deletes one source's file of a table's partition, and
// the partition directory once it is empty. It reports whether a file was
// there.
func RemoveSourceFile(root, table string, dt time.Time, source string) (bool, error) {
	dir := PartitionDir(root, table, dt)
	path := filepath.Join(dir, PartFileName(source))
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err := removeFile(path); err != nil {
		return false, err
	}
	return true, removeEmptyDir(dir)
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale file: %w", err)
	}
	return nil
}

// removeEmptyDir removes dir when it holds no entries at all.
func removeEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) > 0 {
		return nil
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove empty partition %s: %w", dir, err)
	}
	return nil
}
