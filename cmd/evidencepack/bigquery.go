package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"evidencepack/config"
	"evidencepack/jobs/run"
	"evidencepack/jobs/warehouse"
)

// Test hooks: EVIDENCEPACK_BIGQUERY_ENDPOINT and
// EVIDENCEPACK_GCS_ENDPOINT point the BigQuery and Cloud Storage clients
// at fake servers and turn authentication off. Production leaves them
// unset.
const (
	bigQueryEndpointEnv = "EVIDENCEPACK_BIGQUERY_ENDPOINT"
	gcsEndpointEnv      = "EVIDENCEPACK_GCS_ENDPOINT"
)

func endpointsFromEnv() warehouse.Endpoints {
	return warehouse.Endpoints{BigQuery: os.Getenv(bigQueryEndpointEnv), Storage: os.Getenv(gcsEndpointEnv)}
}

// validateWarehouse checks credentials, dataset access and table schemas
// of a BigQuery warehouse without writing, and prints the changes a run
// would make.
func validateWarehouse(ctx context.Context, out io.Writer, cfg *config.Config) error {
	if cfg.Warehouse.Kind != "bigquery" {
		fmt.Fprintf(out, "warehouse %s: tables are created on the first run\n", cfg.Warehouse.Kind)
		return nil
	}
	w, err := warehouse.OpenBigQuery(ctx, warehouse.BigQueryConfigOf(cfg), endpointsFromEnv())
	if err != nil {
		return fmt.Errorf("%w: %w", run.ErrWarehouse, err)
	}
	defer w.Close()
	changes, err := w.Plan(ctx)
	if err != nil {
		return fmt.Errorf("%w: %w", run.ErrWarehouse, err)
	}
	fmt.Fprintf(out, "warehouse bigquery %s.%s: reachable, %d changes on the next run\n",
		cfg.Warehouse.Project, cfg.Warehouse.Dataset, len(changes))
	for _, c := range changes {
		fmt.Fprintf(out, "  %s\n", c)
	}
	return nil
}
