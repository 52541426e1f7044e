package run

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/jobs/sources"
	"evidencepack/jobs/warehouse"
)

// readSource reads a source's files, or requests its records from its
// live location, into sink.
func (r *runner) readSource(ctx context.Context, src config.Source, sink *sourceSink, log *slog.Logger) error {
	var source sources.Source
	var err error
	if src.Location.IsFiles() {
		source, err = r.filesSource(src, log)
	} else {
		source, err = r.liveSource(ctx, src)
	}
	if err != nil {
		return err
	}
	before := sink.seen
	report, err := source.Extract(ctx, sink)
	if err != nil {
		return stepErr("extract", ErrInput, err)
	}
	if got := sink.seen - before; got != report.Records {
		return stepErr("extract", ErrInput, fmt.Errorf(
			"source %s: counted %d records but reported %d", src.Name, report.Records, got))
	}
	r.manifest.Fetches = append(r.manifest.Fetches, report.Fetches...)
	if len(report.State) > 0 {
		r.liveState[src.Name] = report.State
	}
	return nil
}

func (r *runner) filesSource(src config.Source, log *slog.Logger) (sources.Source, error) {
	reader, err := extract.New(src)
	if err != nil {
		return nil, stepErr("extract", config.ErrInvalid, fmt.Errorf("source %s: %w", src.Name, err))
	}
	files, err := resolveInputs(r.cfg, src, r.from, r.to)
	if err != nil {
		return nil, stepErr("extract", ErrInput, err)
	}
	files = r.filterInputs(files)
	// Each file is hashed on its own goroutine while the reader reads it,
	// and recorded in the manifest in reading order once both are done.
	before := func(ctx context.Context, file string) (func() error, error) {
		type described struct {
			in  InputFile
			err error
		}
		done := make(chan described, 1)
		go func() {
			in, err := describeFile(ctx, src.Name, file)
			done <- described{in, err}
		}()
		return func() error {
			d := <-done
			if d.err != nil {
				return d.err
			}
			r.manifest.Inputs = append(r.manifest.Inputs, d.in)
			log.Debug("read input", "file", file)
			return nil
		}, nil
	}
	return &sources.Files{Name: src.Name, Reader: reader, Paths: files, BeforeFile: before}, nil
}

func (r *runner) liveSource(ctx context.Context, src config.Source) (sources.Source, error) {
	state, err := r.readSourceState(ctx, src.Name)
	if err != nil {
		return nil, err
	}
	s, err := sources.Open(src, sources.Options{From: r.from, To: r.to, State: state,
		Logger: r.log, TempDir: r.outDir})
	if err != nil {
		return nil, stepErr("extract", ErrInput, err)
	}
	return s, nil
}

// readSourceState returns the marks the last successful run stored for a
// source in the warehouse, DuckDB or BigQuery.
func (r *runner) readSourceState(ctx context.Context, source string) (map[string]string, error) {
	if err := r.openWarehouse(ctx); err != nil {
		return nil, err
	}
	state, err := r.store.ReadSourceState(ctx, source)
	if err != nil {
		return nil, stepErr("extract", ErrWarehouse, err)
	}
	return state, nil
}

// sourceMarks returns the marks that the live sources of this run read
// up to, in config order and by key, for the load to store.
func (r *runner) sourceMarks() []warehouse.SourceMark {
	var marks []warehouse.SourceMark
	now := r.now().UTC()
	for _, src := range r.cfg.Sources {
		state := r.liveState[src.Name]
		for _, key := range slices.Sorted(maps.Keys(state)) {
			marks = append(marks, warehouse.SourceMark{Source: src.Name, Key: key, Value: state[key], UpdatedAt: now})
		}
	}
	return marks
}

// inputsForDigest returns the input files with one entry per live fetch,
// so the run id changes when fetched data changes.
func (r *runner) inputsForDigest() []InputFile {
	out := append([]InputFile(nil), r.manifest.Inputs...)
	for _, f := range r.manifest.Fetches {
		out = append(out, InputFile{Source: f.Source, Path: f.Endpoint, Size: f.Bytes, SHA256: f.SHA256})
	}
	return out
}
