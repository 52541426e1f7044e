package transforms

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// BatchRows is the number of rows in each Arrow record batch and Parquet
// row group.
const BatchRows = 64 * 1024

// PartFile is the name of the one Parquet file of each partition.
const PartFile = "part-00000.parquet"

// PartitionDir returns the hive-style directory of a table's partition:
// root/table/dt=YYYY-MM-DD.
func PartitionDir(root, table string, dt time.Time) string {
	return filepath.Join(root, table, "dt="+dt.Format(time.DateOnly))
}

// writerProps fixes every property that reaches the file, so that the same
// rows give byte-identical files.
func writerProps() *parquet.WriterProperties {
	return parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCreatedBy("evidencepack"),
		parquet.WithMaxRowGroupLength(BatchRows),
		parquet.WithStats(true),
	)
}

// WritePartition writes the facts of one partition of table to
// root/table/dt=…/part-00000.parquet. The file is written under a
// temporary name, synced and renamed, so readers see the old file or the
// new one, never a partial one. Other Parquet files in the directory are
// removed after the rename.
func WritePartition(ctx context.Context, root, table string, p Partition) (string, error) {
	schema, err := SchemaOf(table)
	if err != nil {
		return "", err
	}
	dir := PartitionDir(root, table, p.Date)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create partition directory: %w", err)
	}
	final := filepath.Join(dir, PartFile)
	tmp, err := os.CreateTemp(dir, ".tmp-"+PartFile+"-*")
	if err != nil {
		return "", fmt.Errorf("create temporary parquet file: %w", err)
	}
	defer os.Remove(tmp.Name())

	fw, err := pqarrow.NewFileWriter(schema, tmp, writerProps(), pqarrow.DefaultWriterProps())
	if err != nil {
		tmp.Close()
		return "", fmt.Errorf("open parquet writer for %s: %w", final, err)
	}
	if err := writeBatches(ctx, fw, schema, p.Facts); err != nil {
		fw.Close()
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if err := fw.Close(); err != nil {
		return "", fmt.Errorf("close parquet writer for %s: %w", final, err)
	}
	if err := publish(tmp.Name(), final); err != nil {
		return "", err
	}
	return final, removeOthers(dir, PartFile)
}

func writeBatches(ctx context.Context, fw *pqarrow.FileWriter, schema *arrow.Schema, facts []Fact) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for start := 0; start < len(facts); start += BatchRows {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+BatchRows, len(facts))
		for _, f := range facts[start:end] {
			AppendFact(b, f)
		}
		rec := b.NewRecordBatch()
		err := fw.Write(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
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
	if err := f.Chmod(0o644); err != nil {
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

// removeOthers deletes the Parquet files of dir other than keep, left by
// an earlier layout or an interrupted run.
func removeOthers(dir, keep string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if name == keep || !strings.HasSuffix(name, ".parquet") {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("remove stale file: %w", err)
		}
	}
	return nil
}

// RemovePartition deletes the partition directory of table for dt, used
// when a re-run finds no rows for a date that had some before.
func RemovePartition(root, table string, dt time.Time) error {
	dir := PartitionDir(root, table, dt)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove partition %s: %w", dir, err)
	}
	return nil
}
