package run

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

// writeFacts writes one Parquet file per table, date and source. For the
// dates of the window it then removes the files of every source that has
// no rows there any more. For the dates outside the window that a source
// with replace: input_dates covers, it removes only that source's stale
// file. The Parquet facts thus match what the warehouse will hold.
func (r *runner) writeFacts(ctx context.Context) error {
	root := r.factsDir()
	for _, table := range transforms.Tables {
		written, err := r.writeTable(ctx, root, table)
		if err != nil {
			return err
		}
		if err := r.pruneWindow(ctx, root, table, written); err != nil {
			return err
		}
		if err := r.pruneSourceDates(ctx, root, table, written); err != nil {
			return err
		}
	}
	return nil
}

// writtenFiles maps a partition date to the file names written there.
type writtenFiles map[time.Time]map[string]bool

func (r *runner) writeTable(ctx context.Context, root, table string) (writtenFiles, error) {
	type result struct {
		date time.Time
		info PartitionInfo
	}
	var (
		mu      sync.Mutex
		results []result // by partition order; a zero one was not written
	)
	err := r.collector(table).EachPartitionConcurrent(ctx, writeWorkers(), func(ctx context.Context, i int, p *transforms.PartitionFacts) error {
		file, rows, err := transforms.WritePartitionFactsAs(ctx, root, table, p, r.partFileName(p.Source))
		if err != nil {
			return err
		}
		sum, err := fileSHA256(file)
		if err != nil {
			return err
		}
		r.log.Debug("partition written", "table", table, "dt", p.Date.Format(time.DateOnly),
			"source", p.Source, "rows", rows)
		mu.Lock()
		defer mu.Unlock()
		if i >= len(results) {
			results = append(results, make([]result, i+1-len(results))...)
		}
		results[i] = result{date: p.Date, info: PartitionInfo{Table: table, Date: p.Date.Format(time.DateOnly),
			Source: p.Source, Rows: int(rows), File: file, SHA256: sum}}
		return nil
	})
	// Files written before an error are recorded too, so that the caller
	// knows every file this run replaced.
	written := writtenFiles{}
	for _, res := range results {
		if res.info.File == "" {
			continue
		}
		if written[res.date] == nil {
			written[res.date] = map[string]bool{}
		}
		written[res.date][filepath.Base(res.info.File)] = true
		r.written[table] = append(r.written[table], res.info.File)
		r.manifest.Partitions = append(r.manifest.Partitions, res.info)
	}
	if err != nil {
		return nil, stepErr("write", ErrOutput, err)
	}
	return written, nil
}

// writeWorkers is the number of partitions written at the same time: two
// when the process may run on two or more CPUs, else one. Each writer
// holds a buffered row group, its dictionaries and its zstd encoder: on
// the 5M-row usage benchmark a second writer raised the live heap of the
// write step from 38 to 53 MiB.
func writeWorkers() int {
	return min(runtime.GOMAXPROCS(0), 2)
}

// pruneWindow removes, in each date of the window, the files that this run
// did not write.
func (r *runner) pruneWindow(ctx context.Context, root, table string, written writtenFiles) error {
	for d := r.from; !d.After(r.to); d = d.AddDate(0, 0, 1) {
		if err := ctx.Err(); err != nil {
			return &StepError{Step: "write", Err: err}
		}
		keep, err := r.keepInWindow(root, table, d, written[d])
		if err != nil {
			return stepErr("write", ErrOutput, err)
		}
		removed, err := transforms.RemoveOtherFiles(root, table, d, keep)
		if err != nil {
			return stepErr("write", ErrOutput, err)
		}
		for _, name := range removed {
			r.addRemoved(table, d, sourceOfFile(name))
		}
	}
	return nil
}

// pruneSourceDates records, for each source of table that replaces its
// input dates, the dates outside the window it covers, and removes the
// source's file from those dates where it has no rows left after
// duplicates were removed.
func (r *runner) pruneSourceDates(ctx context.Context, root, table string, written writtenFiles) error {
	for _, src := range r.cfg.Sources {
		if r.manifest.Sources[src.Name] == nil || r.manifest.Sources[src.Name].Table != table ||
			src.Replace != config.ReplaceInputDates {
			continue
		}
		for _, d := range r.collector(table).DatesOf(src.Name) {
			if !d.Before(r.from) && !d.After(r.to) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return &StepError{Step: "write", Err: err}
			}
			r.addSourceDate(table, src.Name, d)
			if r.shard.enabled() {
				removed, err := r.pruneShardSourceDate(root, table, d, src.Name, written[d])
				if err != nil {
					return stepErr("write", ErrOutput, err)
				}
				if removed {
					r.addRemoved(table, d, src.Name)
				}
				continue
			}
			if written[d][transforms.PartFileName(src.Name)] {
				continue
			}
			removed, err := transforms.RemoveSourceFile(root, table, d, src.Name)
			if err != nil {
				return stepErr("write", ErrOutput, err)
			}
			if removed {
				r.addRemoved(table, d, src.Name)
			}
		}
	}
	return nil
}

func (r *runner) addSourceDate(table, source string, d time.Time) {
	if r.sourceDates[table] == nil {
		r.sourceDates[table] = map[string][]time.Time{}
	}
	r.sourceDates[table][source] = append(r.sourceDates[table][source], d)
}

// addRemoved records a partition file that was removed because its source
// has no rows left for that date.
func (r *runner) addRemoved(table string, d time.Time, source string) {
	r.manifest.Partitions = append(r.manifest.Partitions, PartitionInfo{
		Table: table, Date: d.Format(time.DateOnly), Source: source})
}

// sourceOfFile returns the source named by a part-<source>.parquet or
// part-<source>-<I>of<N>.parquet file name, or "" for the legacy file that
// held every source.
func sourceOfFile(name string) string {
	if name == transforms.LegacyPartFile {
		return ""
	}
	if m := shardFile.FindStringSubmatch(name); m != nil {
		return m[1]
	}
	return strings.TrimSuffix(strings.TrimPrefix(name, "part-"), ".parquet")
}

func (r *runner) factsDir() string {
	return filepath.Join(r.outDir, "facts")
}
