package run

import (
	"context"
	"fmt"
	"log/slog"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/jobs/sources"
	"evidencepack/jobs/warehouse"
)

// sourceStateTable stores the high-water mark of each live source. A run
// writes it in its load transaction, so a mark advances only with the
// facts read up to it.
var sourceStateTable = warehouse.Statement{Name: "source_state", SQL: `CREATE TABLE IF NOT EXISTS source_state (
  source VARCHAR,
  key VARCHAR,
  value VARCHAR,
  run_id VARCHAR,
  updated_at TIMESTAMP
)`}

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
	before := func(ctx context.Context, file string) error {
		in, err := describeFile(ctx, src.Name, file)
		if err != nil {
			return err
		}
		r.manifest.Inputs = append(r.manifest.Inputs, in)
		log.Debug("read input", "file", file)
		return nil
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
// source. Only DuckDB keeps them.
// NOTE: with BigQuery as the warehouse no mark is stored, so live sources
// read the window's dates only.
func (r *runner) readSourceState(ctx context.Context, source string) (map[string]string, error) {
	if err := r.openWarehouse(ctx); err != nil {
		return nil, err
	}
	state := map[string]string{}
	if r.wh == nil {
		return state, nil
	}
	if err := r.wh.Exec(ctx, []warehouse.Statement{sourceStateTable}); err != nil {
		return nil, stepErr("extract", ErrWarehouse, err)
	}
	rows, err := r.wh.DB().QueryContext(ctx, "SELECT key, value FROM source_state WHERE source = ?", source)
	if err != nil {
		return nil, stepErr("extract", ErrWarehouse, fmt.Errorf("read source_state of %s: %w", source, err))
	}
	defer rows.Close()
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return nil, stepErr("extract", ErrWarehouse, fmt.Errorf("read source_state of %s: %w", source, err))
		}
		state[key] = value
	}
	if err := rows.Err(); err != nil {
		return nil, stepErr("extract", ErrWarehouse, fmt.Errorf("read source_state of %s: %w", source, err))
	}
	return state, nil
}

// sourceStateStatements replace the stored marks of the live sources
// with the ones this run read up to.
func (r *runner) sourceStateStatements() []warehouse.Statement {
	if len(r.liveState) == 0 || r.wh == nil {
		return nil
	}
	stmts := []warehouse.Statement{sourceStateTable}
	now := r.now().UTC()
	for _, src := range r.cfg.Sources {
		for key, value := range r.liveState[src.Name] {
			stmts = append(stmts,
				warehouse.Statement{Name: "clear source_state " + src.Name + "/" + key,
					SQL: "DELETE FROM source_state WHERE source = ? AND key = ?", Args: []any{src.Name, key}},
				warehouse.Statement{Name: "source_state " + src.Name + "/" + key,
					SQL:  "INSERT INTO source_state VALUES (?, ?, ?, ?, ?)",
					Args: []any{src.Name, key, value, r.provisionalRunID(), now}})
		}
	}
	return stmts
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
