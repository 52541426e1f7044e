package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	"evidencepack/transforms"
)

// Migrate takes the lock on the output directory and brings the DuckDB
// warehouse's tables to this version's definition (see
// warehouse.DuckDB.Migrate). It returns the changes made, none when the
// warehouse was up to date.
func Migrate(ctx context.Context, cfg *config.Config, lockWait time.Duration) ([]warehouse.MigrationStep, error) {
	if cfg.Warehouse.Kind != "duckdb" {
		return nil, fmt.Errorf("%w: migrate changes DuckDB warehouses only, not warehouse kind %s",
			config.ErrInvalid, cfg.Warehouse.Kind)
	}
	r := newRunner(cfg, Options{})
	lock, err := r.lock(ctx, lockWait)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	path := cfg.Resolve(cfg.Warehouse.Path)
	if err := os.MkdirAll(filepath.Dir(path), transforms.DirMode); err != nil {
		return nil, fmt.Errorf("%w: create warehouse directory: %w", ErrWarehouse, err)
	}
	wh, err := warehouse.OpenDuckDB(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWarehouse, err)
	}
	defer wh.Close()
	steps, err := wh.Migrate(ctx, r.factsDir())
	if err != nil {
		return steps, fmt.Errorf("%w: migrate %s: %w", ErrWarehouse, path, err)
	}
	return steps, nil
}
