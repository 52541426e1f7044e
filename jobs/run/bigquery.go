package run

import "context"

// duckDBOnly wraps a step that reads the warehouse through database/sql:
// with another warehouse it logs a warning and does nothing.
//
// TODO: the input schema contract and the data quality checks read
// DuckDB only, so a BigQuery run skips them.
func (r *runner) duckDBOnly(step string, fn func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		if r.cfg.Warehouse.Kind == "duckdb" {
			return fn(ctx)
		}
		r.log.Warn("step skipped: it reads DuckDB only", "step", step, "warehouse", r.cfg.Warehouse.Kind)
		return nil
	}
}
