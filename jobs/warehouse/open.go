package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"evidencepack/config"
	"evidencepack/transforms"
)

// Open opens the warehouse that cfg.Warehouse.Kind selects. Endpoints
// matter to BigQuery only.
func Open(ctx context.Context, cfg *config.Config, ep Endpoints) (Warehouse, error) {
	switch cfg.Warehouse.Kind {
	case "duckdb":
		path := cfg.Resolve(cfg.Warehouse.Path)
		if err := os.MkdirAll(filepath.Dir(path), transforms.DirMode); err != nil {
			return nil, fmt.Errorf("create warehouse directory: %w", err)
		}
		return OpenDuckDB(ctx, path)
	case "bigquery":
		return OpenBigQuery(ctx, BigQueryConfigOf(cfg), ep)
	}
	return nil, fmt.Errorf("unknown warehouse kind %q: use duckdb or bigquery", cfg.Warehouse.Kind)
}
