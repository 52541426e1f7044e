package main

import (
	"github.com/spf13/cobra"

	"evidencepack/config"
	"evidencepack/jobs/run"
)

// lockForReading takes the shared lock on the output directory for a
// command that reads it or its DuckDB warehouse, waiting up to --wait for
// a run that holds it. A run started meanwhile waits for the release
// instead of failing on DuckDB's own file lock.
func lockForReading(cmd *cobra.Command, cfg *config.Config) (*run.ReadLock, error) {
	wait, _ := cmd.Flags().GetDuration("wait")
	return run.LockForReading(cmd.Context(), cfg.Resolve(cfg.OutputDir), wait)
}

// lockWarehouseForReading takes the shared lock like lockForReading when
// the warehouse is a DuckDB file. BigQuery accepts readers beside a
// loading run, so it then returns a lock that holds nothing.
func lockWarehouseForReading(cmd *cobra.Command, cfg *config.Config) (*run.ReadLock, error) {
	if cfg.Warehouse.Kind != "duckdb" {
		return &run.ReadLock{}, nil
	}
	return lockForReading(cmd, cfg)
}
