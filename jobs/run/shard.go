package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	"evidencepack/transforms"
)

// Shard selects the input files of one worker of a sharded run: those
// whose path, relative to the config directory, hashes to Index modulo
// Count. The zero Shard is an unsharded run.
type Shard struct {
	Index, Count int
}

// ParseShard parses "I/N", such as 0/4, with 0 <= I < N.
func ParseShard(text string) (Shard, error) {
	index, count, ok := strings.Cut(text, "/")
	i, errI := strconv.Atoi(index)
	n, errN := strconv.Atoi(count)
	if !ok || errI != nil || errN != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("invalid shard %q: use I/N with 0 <= I < N, such as 0/4", text)
	}
	return Shard{Index: i, Count: n}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

func (s Shard) enabled() bool { return s.Count > 0 }

// owns reports whether the shard reads the input file at path. The hash is
// 64-bit FNV-1a of the path relative to the config directory, with
// forward slashes, so every worker agrees wherever the config sits.
func (s Shard) owns(cfg *config.Config, path string) bool {
	rel, err := filepath.Rel(cfg.Dir, path)
	if err != nil {
		rel = path
	}
	h := fnv.New64a()
	h.Write([]byte(filepath.ToSlash(rel)))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// filterInputs keeps the files of a source that the run's shard reads.
func (r *runner) filterInputs(files []string) []string {
	if !r.shard.enabled() {
		return files
	}
	var out []string
	for _, f := range files {
		if r.shard.owns(r.cfg, f) {
			out = append(out, f)
		}
	}
	return out
}

// shardFile matches the name of a shard's Parquet file and captures the
// source, the shard index and the shard count.
//
// NOTE: a source whose own name ends in -<I>of<N> would be read as a
// shard file of a shorter name.
var shardFile = regexp.MustCompile(`^part-(.+)-(\d+)of(\d+)\.parquet$`)

// partFileName returns the name of a source's Parquet file for this run.
func (r *runner) partFileName(source string) string {
	if r.shard.enabled() {
		return transforms.ShardPartFileName(source, r.shard.Index, r.shard.Count)
	}
	return transforms.PartFileName(source)
}

// keepInWindow returns the files of a window date that pruning keeps: the
// ones this run wrote and, in a sharded run, the files of the other
// shards of the same count. Files of unsharded runs and of other shard
// counts are removed, since the shards together replace them.
func (r *runner) keepInWindow(root, table string, d time.Time, written map[string]bool) (map[string]bool, error) {
	if !r.shard.enabled() {
		return written, nil
	}
	keep := map[string]bool{}
	for name := range written {
		keep[name] = true
	}
	entries, err := os.ReadDir(transforms.PartitionDir(root, table, d))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		m := shardFile.FindStringSubmatch(e.Name())
		if m != nil && m[3] == strconv.Itoa(r.shard.Count) && m[2] != strconv.Itoa(r.shard.Index) {
			keep[e.Name()] = true
		}
	}
	return keep, nil
}

// pruneShardSourceDate removes the source's files that the shards of this
// count replace on a date outside the window that the source covers. These
// are the unsharded file, the files of other shard counts, and this
// shard's own file when it has no rows there any more. It reports whether
// a file was removed.
func (r *runner) pruneShardSourceDate(root, table string, d time.Time, source string, written map[string]bool) (bool, error) {
	dir := transforms.PartitionDir(root, table, d)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	own := r.partFileName(source)
	removed := false
	for _, e := range entries {
		name := e.Name()
		m := shardFile.FindStringSubmatch(name)
		stale := name == transforms.PartFileName(source) ||
			(m != nil && m[1] == source && m[3] != strconv.Itoa(r.shard.Count)) ||
			(name == own && !written[own])
		if !stale {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove %s: %w", filepath.Join(dir, name), err)
		}
		removed = true
	}
	return removed, nil
}

// shardRecord is the record a finished shard writes for Finalize, in
// <output_dir>/shards/<from>_<to>/<I>of<N>/shard.json.
type shardRecord struct {
	Index        int    `json:"index"`
	Count        int    `json:"count"`
	From         string `json:"from"`
	To           string `json:"to"`
	InputsSHA256 string `json:"inputs_sha256"`
	// SourceDates maps table and source to the dates outside the window
	// that the source replaces, as YYYY-MM-DD.
	SourceDates map[string]map[string][]string `json:"source_dates"`
	Partitions  []PartitionInfo                `json:"partitions_replaced"`
	Inputs      []InputFile                    `json:"inputs"`
}

func (r *runner) shardsDir() string {
	return filepath.Join(r.outDir, "shards", r.window())
}

// RunShard runs the extract, budget and write steps of a run for the
// input files of one shard, writing part-<source>-<I>of<N>.parquet files,
// and skips load and render, which Finalize does once every shard is
// done. Shards of one window may run at once on the same output
// directory: each takes a lock of its own and skips the sweep of
// temporary files, which could remove another shard's.
func RunShard(ctx context.Context, cfg *config.Config, opts Options, shard Shard) (*Manifest, error) {
	if !shard.enabled() {
		return nil, fmt.Errorf("invalid shard %s: the count must be at least 1", shard)
	}
	for _, src := range cfg.Sources {
		if !src.Location.IsFiles() {
			return nil, stepErr("plan", config.ErrInvalid, fmt.Errorf(
				"source %s is not read from files; run --shard reads file sources only, so run it unsharded", src.Name))
		}
	}

	r := newRunner(cfg, opts)
	r.shard = shard
	dir := filepath.Join(r.shardsDir(), fmt.Sprintf("%dof%d", shard.Index, shard.Count))
	l, err := acquireLock(ctx, dir, opts.LockWait, r.now)
	if err != nil {
		return nil, &StepError{Step: "lock", Err: err}
	}
	defer l.release()

	if r.to.Before(r.from) {
		return nil, stepErr("plan", config.ErrInvalid, fmt.Errorf("window end %s is before its start %s",
			r.manifest.To, r.manifest.From))
	}
	// The record of an earlier attempt goes first, so that a failed
	// attempt never leaves a record that Finalize would trust.
	record := filepath.Join(dir, "shard.json")
	if err := os.Remove(record); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, stepErr("write", ErrOutput, err)
	}
	for _, step := range []func(context.Context) error{r.extractAll, r.checkBudgets, r.writeFacts} {
		if err := ctx.Err(); err != nil {
			return r.manifest, &StepError{Step: "shard", Err: err}
		}
		if err := step(ctx); err != nil {
			return r.manifest, err
		}
	}
	if err := r.writeShardRecord(record); err != nil {
		return r.manifest, stepErr("write", ErrOutput, err)
	}
	for _, c := range r.collectors {
		for name, n := range c.Counts() {
			if st := r.manifest.Sources[name]; st != nil {
				st.Counts = n
			}
		}
	}
	r.manifest.Status = StatusSucceeded
	return r.manifest, nil
}

func (r *runner) writeShardRecord(path string) error {
	rec := shardRecord{Index: r.shard.Index, Count: r.shard.Count, From: r.manifest.From, To: r.manifest.To,
		InputsSHA256: r.manifest.InputsSHA256, SourceDates: map[string]map[string][]string{},
		Partitions: r.manifest.Partitions, Inputs: r.manifest.Inputs}
	for table, bySource := range r.sourceDates {
		rec.SourceDates[table] = map[string][]string{}
		for source, dates := range bySource {
			for _, d := range dates {
				rec.SourceDates[table][source] = append(rec.SourceDates[table][source], d.Format(time.DateOnly))
			}
		}
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, transforms.FileMode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Finalize loads the Parquet files of every shard of the window into the
// warehouse, one load per table and date over all shards' files, then
// runs the checks and renders the packs, and records the run. It fails
// when a shard of the window has no record, as when it has not finished.
func Finalize(ctx context.Context, cfg *config.Config, opts Options) (*Manifest, error) {
	r := newRunner(cfg, opts)
	lock, err := r.lock(ctx, opts.LockWait)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	err = r.finalize(ctx)
	r.finish(ctx, err)
	return r.manifest, err
}

func (r *runner) finalize(ctx context.Context) error {
	records, err := r.readShardRecords()
	if err != nil {
		return stepErr("plan", ErrOutput, err)
	}
	sums := sha256.New()
	for _, rec := range records {
		sums.Write([]byte(rec.InputsSHA256 + "\n"))
		r.manifest.Partitions = append(r.manifest.Partitions, rec.Partitions...)
		r.manifest.Inputs = append(r.manifest.Inputs, rec.Inputs...)
		for table, bySource := range rec.SourceDates {
			for source, dates := range bySource {
				for _, text := range dates {
					d, err := time.Parse(time.DateOnly, text)
					if err != nil {
						return stepErr("plan", ErrOutput, fmt.Errorf("shard %d/%d: invalid date %q", rec.Index, rec.Count, text))
					}
					if !slices.Contains(r.sourceDates[table][source], d) {
						r.addSourceDate(table, source, d)
					}
				}
			}
		}
	}
	r.manifest.InputsSHA256 = hex.EncodeToString(sums.Sum(nil))
	if err := r.listShardFiles(records[0].Count); err != nil {
		return stepErr("plan", ErrOutput, err)
	}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"load", r.load},
		{"check", r.runChecks},
		{"render", r.render},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return &StepError{Step: s.name, Err: err}
		}
		start := r.now()
		r.log.Info("step started", "step", s.name)
		if err := s.fn(ctx); err != nil {
			return err
		}
		r.manifest.Steps = append(r.manifest.Steps, StepTiming{Step: s.name, Seconds: r.now().Sub(start).Seconds()})
	}
	return nil
}

// readShardRecords reads the record of every shard of the window, sorted
// by index, and checks that they form one complete set.
func (r *runner) readShardRecords() ([]shardRecord, error) {
	dir := r.shardsDir()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no shard of window %s has run: run evidencepack run --shard I/N for every I first", r.window())
	}
	if err != nil {
		return nil, err
	}
	var records []shardRecord
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name(), "shard.json"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("shard %s of window %s has not finished: %s has no shard.json", e.Name(), r.window(), filepath.Join(dir, e.Name()))
		}
		if err != nil {
			return nil, err
		}
		var rec shardRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return nil, fmt.Errorf("invalid shard record %s: %w", filepath.Join(dir, e.Name()), err)
		}
		records = append(records, rec)
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("no shard of window %s has finished", r.window())
	}
	sort.Slice(records, func(i, j int) bool { return records[i].Index < records[j].Index })
	count := records[0].Count
	for i, rec := range records {
		if rec.Count != count {
			return nil, fmt.Errorf("window %s has shards of %d and of %d workers: remove %s and run the shards again",
				r.window(), count, rec.Count, dir)
		}
		if rec.Index != i {
			return nil, fmt.Errorf("shard %d/%d of window %s has not finished", i, count, r.window())
		}
	}
	if len(records) != count {
		return nil, fmt.Errorf("shard %d/%d of window %s has not finished", len(records), count, r.window())
	}
	return records, nil
}

// listShardFiles sets the files the DuckDB load inserts: every part file
// of each window date, and on the dates outside the window that a source
// replaces, that source's shard files.
func (r *runner) listShardFiles(count int) error {
	root := r.factsDir()
	for _, table := range transforms.Tables {
		for d := r.from; !d.After(r.to); d = d.AddDate(0, 0, 1) {
			files, _, err := warehouse.PartitionFiles(root, table, d)
			if err != nil {
				return err
			}
			r.written[table] = append(r.written[table], files...)
		}
		for source, dates := range r.sourceDates[table] {
			for _, d := range dates {
				for i := 0; i < count; i++ {
					path := filepath.Join(transforms.PartitionDir(root, table, d), transforms.ShardPartFileName(source, i, count))
					if _, err := os.Stat(path); err == nil {
						r.written[table] = append(r.written[table], path)
					}
				}
			}
		}
	}
	return nil
}
