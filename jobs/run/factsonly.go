package run

import (
	"context"
	"fmt"

	"evidencepack/config"
)

// ExtractAndWrite runs the sweep, extract, check and write steps of a run
// and skips load and render. It takes the lock like Run, but it writes no
// manifest file and records nothing in the warehouse. Benchmarks of the
// extract-to-Parquet path call it. The returned manifest carries the
// source counts and the partitions written.
func ExtractAndWrite(ctx context.Context, cfg *config.Config, opts Options) (*Manifest, error) {
	r := newRunner(cfg, opts)
	lock, err := r.lock(ctx, opts.LockWait)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	defer applyMemoryLimit(cfg, r.log)()
	steps := []func(context.Context) error{r.sweep, r.extractAll, r.checkBudgets, r.writeFacts}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return r.manifest, fmt.Errorf("extract and write: %w", err)
		}
		if err := step(ctx); err != nil {
			return r.manifest, err
		}
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
