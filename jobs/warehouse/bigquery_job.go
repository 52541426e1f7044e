package warehouse

import (
	"context"
	"fmt"

	"cloud.google.com/go/bigquery"
)

// newLoaderFunc returns a loader with a fresh source, and a function that
// closes the source after the insert.
type newLoaderFunc func() (*bigquery.Loader, func(), error)

// runLoad inserts a load job under a deterministic id and waits for it.
// When the id exists (HTTP 409), the job of an earlier attempt is
// attached and waited for instead of loading again. When that job failed,
// the load runs once more under the next id, base_2, base_3 and so on.
func (w *BigQuery) runLoad(ctx context.Context, base string, newLoader newLoaderFunc) error {
	for attempt := 1; attempt <= maxJobAttempts; attempt++ {
		id := base
		if attempt > 1 {
			id = fmt.Sprintf("%s_%d", base, attempt)
		}
		job, attached, err := w.insertLoad(ctx, id, newLoader)
		if err != nil {
			return err
		}
		err = waitJob(ctx, job)
		if err == nil {
			return nil
		}
		if !attached {
			return err
		}
	}
	return fmt.Errorf("load job %s: the jobs of %d earlier attempts failed", base, maxJobAttempts)
}

func (w *BigQuery) insertLoad(ctx context.Context, id string, newLoader newLoaderFunc) (*bigquery.Job, bool, error) {
	l, closeSource, err := newLoader()
	if err != nil {
		return nil, false, err
	}
	l.JobID = id
	l.Location = w.cfg.Location
	job, err := l.Run(ctx)
	closeSource()
	if isAlreadyExists(err) {
		job, err = w.client.JobFromIDLocation(ctx, id, w.cfg.Location)
		if err != nil {
			return nil, false, fmt.Errorf("attach to existing job %s: %w", id, err)
		}
		return job, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("start load job %s: %w", id, err)
	}
	return job, false, nil
}

// waitJob waits for a job and returns the error of the wait or, for a job
// that finished with an error result, that error.
func waitJob(ctx context.Context, job *bigquery.Job) error {
	status, err := job.Wait(ctx)
	if err != nil {
		return fmt.Errorf("wait for job %s: %w", job.ID(), err)
	}
	if err := status.Err(); err != nil {
		return fmt.Errorf("job %s failed: %w", job.ID(), err)
	}
	return nil
}
