package run

import (
	"context"
	"fmt"
	"os"
	"time"

	"evidencepack/transforms"
)

// writeFacts writes one Parquet file per table and date of the window and
// removes the partitions of window dates that no longer have rows, so the
// Parquet facts match what the warehouse will hold.
func (r *runner) writeFacts(ctx context.Context) error {
	root := r.factsDir()
	for _, table := range transforms.Tables {
		parts := r.collector(table).Partitions()
		have := map[string]bool{}
		for _, p := range parts {
			file, err := transforms.WritePartition(ctx, root, table, p)
			if err != nil {
				return stepErr("write", ErrOutput, err)
			}
			sum, err := fileSHA256(file)
			if err != nil {
				return stepErr("write", ErrOutput, err)
			}
			day := p.Date.Format(time.DateOnly)
			have[day] = true
			r.written[table] = append(r.written[table], file)
			r.manifest.Partitions = append(r.manifest.Partitions,
				PartitionInfo{Table: table, Date: day, Rows: len(p.Facts), File: file, SHA256: sum})
		}
		if err := r.removeEmptyPartitions(root, table, have); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) removeEmptyPartitions(root, table string, have map[string]bool) error {
	for d := r.from; !d.After(r.to); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		if have[day] {
			continue
		}
		if _, err := os.Stat(transforms.PartitionDir(root, table, d)); err != nil {
			continue
		}
		if err := transforms.RemovePartition(root, table, d); err != nil {
			return stepErr("write", ErrOutput, err)
		}
		r.manifest.Partitions = append(r.manifest.Partitions,
			PartitionInfo{Table: table, Date: day, Rows: 0})
	}
	return nil
}

func (r *runner) factsDir() string {
	return fmt.Sprintf("%s/facts", r.outDir)
}
