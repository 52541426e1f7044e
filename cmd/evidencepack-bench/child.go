package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"evidencepack/config"
	"evidencepack/jobs/run"
)

// runExtract runs evidencepack's extract, check and write steps of case c
// over the whole generated window, with output under output.
func runExtract(ctx context.Context, c benchCase, input, output string) (childResult, error) {
	if err := os.MkdirAll(output, 0o755); err != nil {
		return childResult{}, fmt.Errorf("create %s: %w", output, err)
	}
	path := filepath.Join(output, "config.yaml")
	if err := os.WriteFile(path, []byte(configYAML(c, input, output)), 0o644); err != nil {
		return childResult{}, fmt.Errorf("write config: %w", err)
	}
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		return childResult{}, err
	}
	to := benchFrom.AddDate(0, 0, benchDays-1)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	start := time.Now()
	m, err := run.ExtractAndWrite(ctx, cfg, run.Options{From: benchFrom, To: to, Logger: log})
	if err != nil {
		return childResult{}, fmt.Errorf("case %s: %w", c.name, err)
	}
	res := childResult{Seconds: time.Since(start).Seconds()}
	for _, s := range m.Sources {
		res.Rows += s.Records
		res.Facts += s.Facts
		res.Duplicates += s.Duplicates
		res.Rejected += s.Rejected
	}
	res.Partitions = len(m.Partitions)
	return res, nil
}

// runDuckDB converts case c's input with DuckDB into one zstd Parquet
// file, the reference the extract path is compared with.
func runDuckDB(ctx context.Context, c benchCase, input, output string) (childResult, error) {
	if err := os.MkdirAll(output, 0o755); err != nil {
		return childResult{}, fmt.Errorf("create %s: %w", output, err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return childResult{}, fmt.Errorf("open duckdb: %w", err)
	}
	defer db.Close()
	file := filepath.Join(output, "duckdb.parquet")
	start := time.Now()
	if _, err := db.ExecContext(ctx, copyStatement(c, input, file)); err != nil {
		return childResult{}, fmt.Errorf("duckdb %s: %w", c.name, err)
	}
	seconds := time.Since(start).Seconds()
	var rows int64
	q := fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", file)
	if err := db.QueryRowContext(ctx, q).Scan(&rows); err != nil {
		return childResult{}, fmt.Errorf("count duckdb output: %w", err)
	}
	return childResult{Seconds: seconds, Rows: rows, Facts: rows}, nil
}
