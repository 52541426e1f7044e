package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"evidencepack/jobs/observe"
	"evidencepack/jobs/run"
)

// errPanicked is the error recorded for a run whose job function
// panicked. The panic itself goes on to cron.Recover, which logs its stack.
var errPanicked = errors.New("run panicked")

// RunID returns the scheduler's id of the run of job for a logical date
// that started at start. run.Run derives the manifest's run id from the
// inputs it reads, so that id is known only at the end. This id is on
// every log line of the run from the start, and the lineage runId is
// derived from it.
func RunID(job string, logicalDate, start time.Time) string {
	return fmt.Sprintf("%s-%s-%s", job, logicalDate.Format(time.DateOnly), start.UTC().Format("20060102T150405Z"))
}

// runDate runs the window of one logical date with retries, and records
// the outcome in the metrics, the lineage events and the job's status.
// trigger is "schedule" or "catch-up". A panic in the run function is
// recorded as a failed run and then passed on.
func (s *Scheduler) runDate(j *job, logicalDate time.Time, trigger string) {
	start := s.opts.Now()
	runID := RunID(j.cfg.Name, logicalDate, start)
	date := logicalDate.Format(time.DateOnly)
	log := observe.RunLogger(s.log, runID, j.cfg.Name, date)
	from := logicalDate.AddDate(0, 0, -j.lookback)
	s.setRunning(j.cfg.Name, runID, date, start)
	log.Info("run started", "trigger", trigger, "from", from.Format(time.DateOnly), "to", date)
	s.emit(log, observe.EventStart, j.cfg.Name, runID, nil, nil)

	var (
		manifest *run.Manifest
		err      error
		finished bool
	)
	defer func() {
		if !finished {
			err = errPanicked
			log.Error("run failed: the job panicked; cron.Recover logs the stack")
		}
		took := s.opts.Now().Sub(start)
		s.metrics.ObserveRun(j.cfg.Name, manifest, err, took)
		s.setFinished(j.cfg.Name, manifest, err)
		if err != nil {
			s.emit(log, observe.EventFail, j.cfg.Name, runID, manifest, err)
		} else {
			s.emit(log, observe.EventComplete, j.cfg.Name, runID, manifest, nil)
		}
		if finished {
			s.logOutcome(log, manifest, err, took)
		}
	}()
	manifest, err = s.attempts(log, j, from, logicalDate)
	finished = true
}

// attempts runs the window up to retry.max_attempts times, waiting with
// exponential backoff and full jitter after each transient failure.
func (s *Scheduler) attempts(log *slog.Logger, j *job, from, to time.Time) (*run.Manifest, error) {
	retry := s.cfg.Schedule.Retry
	for attempt := 1; ; attempt++ {
		alog := log.With("attempt", attempt)
		alog.Info("attempt started", "max_attempts", retry.MaxAttempts)
		m, err := s.attempt(alog, from, to)
		if err == nil {
			return m, nil
		}
		switch {
		case s.runCtx.Err() != nil:
			return m, err
		case !run.Transient(err):
			alog.Error("attempt failed with a permanent error; not retrying", "err", err)
			return m, err
		case attempt >= retry.MaxAttempts:
			alog.Error("attempt failed; no attempts left", "err", err)
			return m, err
		}
		wait := Backoff(attempt, retry.InitialBackoff, retry.MaxBackoff, s.opts.Jitter())
		alog.Warn("attempt failed with a transient error; retrying", "err", err, "retry_in", wait.String())
		s.metrics.ObserveRetry(j.cfg.Name)
		// Shutdown ends the wait, and no further attempt starts.
		if serr := s.opts.Sleep(s.shutdownCtx, wait); serr != nil {
			alog.Warn("retry abandoned: shutdown requested", "err", err)
			return m, err
		}
	}
}

// attempt runs the window once, under retry.attempt_timeout when set.
func (s *Scheduler) attempt(log *slog.Logger, from, to time.Time) (*run.Manifest, error) {
	ctx := s.runCtx
	if d := s.cfg.Schedule.Retry.AttemptTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	opts := s.opts.Base
	opts.From, opts.To, opts.Logger, opts.Now = from, to, log, s.opts.Now
	if opts.LockWait == 0 {
		opts.LockWait = lockWait
	}
	return s.opts.Run(ctx, s.cfg, opts)
}

// Backoff returns the wait after the given failed attempt (1-based):
// jitter, from [0, 1), times min(maxWait, initial × 2^(attempt-1)).
func Backoff(attempt int, initial, maxWait time.Duration, jitter float64) time.Duration {
	ceiling := initial
	for i := 1; i < attempt && ceiling < maxWait; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, maxWait)
	return time.Duration(jitter * float64(ceiling))
}

func (s *Scheduler) logOutcome(log *slog.Logger, m *run.Manifest, err error, took time.Duration) {
	manifestID := ""
	if m != nil {
		manifestID = m.RunID
	}
	if err != nil {
		log.Error("run failed", "status", observe.RunOutcome(err), "manifest_run_id", manifestID,
			"seconds", took.Seconds(), "err", err)
		return
	}
	log.Info("run succeeded", "manifest_run_id", manifestID, "seconds", took.Seconds())
}

// emit sends a lineage event and logs a failure to send it.
func (s *Scheduler) emit(log *slog.Logger, eventType, job, runID string, m *run.Manifest, runErr error) {
	if s.opts.Lineage == nil {
		return
	}
	e := s.opts.Lineage.Event(eventType, job, runID, s.opts.Now(), s.cfg, m, runErr)
	if err := s.opts.Lineage.Emit(s.runCtx, e); err != nil {
		log.Warn("lineage event not delivered", "event_type", eventType, "err", err)
	}
}
