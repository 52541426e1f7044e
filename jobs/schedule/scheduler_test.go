package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/robfig/cron/v3"

	"evidencepack/config"
	"evidencepack/jobs/observe"
	"evidencepack/jobs/run"
)

// writeConfig writes a minimal config with the given schedule section to
// a temporary directory and loads it.
func writeConfig(t *testing.T, schedule string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	text := `output_dir: out
sources:
  - name: events
    kind: usage
    format: segment
    paths: [in/*.jsonl]
` + schedule
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

// writeManifest writes a manifest of a run over from..to with status.
func writeManifest(t *testing.T, cfg *config.Config, id, from, to, status string, finished time.Time) {
	t.Helper()
	m := run.Manifest{RunID: id, Status: status, From: from, To: to, FinishedAt: finished}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	path := run.ManifestPath(cfg, id)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// recorder is a RunFunc that records each window and returns the result
// of next for the call.
type recorder struct {
	mu    sync.Mutex
	calls []string
	next  func(call int, ctx context.Context) error
}

func (r *recorder) run(ctx context.Context, _ *config.Config, opts run.Options) (*run.Manifest, error) {
	r.mu.Lock()
	r.calls = append(r.calls, opts.From.Format(time.DateOnly)+".."+opts.To.Format(time.DateOnly))
	call := len(r.calls)
	r.mu.Unlock()
	var err error
	if r.next != nil {
		err = r.next(call, ctx)
	}
	status := run.StatusSucceeded
	if err != nil {
		status = run.StatusFailed
	}
	return &run.Manifest{RunID: fmt.Sprintf("run-%d", call), Status: status,
		From: opts.From.Format(time.DateOnly), To: opts.To.Format(time.DateOnly), FinishedAt: opts.Now()}, err
}

func (r *recorder) windows() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func noSleep(sleeps *[]time.Duration) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		*sleeps = append(*sleeps, d)
		return ctx.Err()
	}
}

func TestBackoffFullJitter(t *testing.T) {
	cases := []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{1, 1, 30 * time.Second},
		{2, 1, time.Minute},
		{3, 1, 2 * time.Minute},
		{3, 0.5, time.Minute},
		{10, 1, 5 * time.Minute}, // capped at max_backoff
		{40, 0.999, time.Duration(0.999 * float64(5*time.Minute))},
		{2, 0, 0},
	}
	for _, c := range cases {
		got := Backoff(c.attempt, 30*time.Second, 5*time.Minute, c.jitter)
		if got != c.want {
			t.Errorf("Backoff(%d, jitter %v) = %s, want %s", c.attempt, c.jitter, got, c.want)
		}
	}
}

func TestMissedDatesOldestFirst(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	sched, err := Parse("CRON_TZ=America/New_York 30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	last := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	// 2026-03-09 03:00 EDT: the 03-09 firing (02:30) has passed.
	now := time.Date(2026, 3, 9, 3, 0, 0, 0, ny)
	got := MissedDates(sched, ny, last, now)
	want := []string{"2026-03-06", "2026-03-07", "2026-03-08"}
	if len(got) != len(want) {
		t.Fatalf("MissedDates = %v, want %v", got, want)
	}
	for i, w := range want {
		if g := got[i].Format(time.DateOnly); g != w {
			t.Errorf("date %d = %s, want %s", i, g, w)
		}
	}
	// One minute before the 03-09 firing, 03-08 is not due yet.
	early := MissedDates(sched, ny, last, time.Date(2026, 3, 9, 2, 29, 0, 0, ny))
	if n := len(early); n != 2 {
		t.Errorf("MissedDates before the firing = %d dates, want 2", n)
	}
	hourly, err := Parse("CRON_TZ=UTC 0 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	dates := MissedDates(hourly, time.UTC, last, time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC))
	if len(dates) != 1 || dates[0].Format(time.DateOnly) != "2026-03-06" {
		t.Errorf("hourly MissedDates = %v, want the one date 2026-03-06", dates)
	}
}

func TestCatchUpRunsMissedDatesOldestFirst(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "0 3 * * *"
      max_catchup: 3
    - name: weekly
      cron: "0 4 * * 1"
      lookback_days: 6
      max_catchup: 0
`)
	writeManifest(t, cfg, "run-old", "2026-06-20", "2026-06-25", run.StatusSucceeded, time.Date(2026, 6, 26, 3, 5, 0, 0, time.UTC))
	// A later failed run does not count as a success.
	writeManifest(t, cfg, "run-failed", "2026-06-26", "2026-06-26", run.StatusFailed, time.Date(2026, 6, 27, 3, 5, 0, 0, time.UTC))
	rec := &recorder{}
	metrics := observe.NewMetrics(false)
	s, err := New(Options{Config: cfg, Run: rec.run, Metrics: metrics,
		Now: fixedClock(time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	s.catchUp(context.Background())
	// Missed: 06-26 .. 07-01 (six dates); max_catchup 3 keeps the newest.
	want := []string{"2026-06-29..2026-06-29", "2026-06-30..2026-06-30", "2026-07-01..2026-07-01"}
	got := rec.windows()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("catch-up windows = %v, want %v", got, want)
	}
	if v := counterValue(metrics.RunsCounter("nightly", observe.StatusSucceeded)); v != 3 {
		t.Errorf("succeeded nightly runs = %v, want 3", v)
	}
}

func TestCatchUpWithoutHistoryRunsNothing(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "@daily"
`)
	rec := &recorder{}
	s, err := New(Options{Config: cfg, Run: rec.run, Now: fixedClock(time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	s.catchUp(context.Background())
	if got := rec.windows(); len(got) != 0 {
		t.Errorf("catch-up without a successful run ran %v, want nothing", got)
	}
}

func TestRetryTransientThenSucceeds(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "@daily"
      lookback_days: 2
  retry: {max_attempts: 4, initial_backoff: 10s, max_backoff: 15s}
`)
	rec := &recorder{next: func(call int, _ context.Context) error {
		if call <= 2 {
			return &run.StepError{Step: "lock", Err: &run.LockedError{Path: "out/.evidencepack.lock", Holder: "pid 1"}}
		}
		return nil
	}}
	var sleeps []time.Duration
	metrics := observe.NewMetrics(false)
	s, err := New(Options{Config: cfg, Run: rec.run, Metrics: metrics, Sleep: noSleep(&sleeps),
		Jitter: func() float64 { return 1 }, Now: fixedClock(time.Date(2026, 7, 2, 0, 30, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	s.fire(s.jobs[0])
	want := []string{"2026-06-29..2026-07-01", "2026-06-29..2026-07-01", "2026-06-29..2026-07-01"}
	if got := rec.windows(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("attempt windows = %v, want %v", got, want)
	}
	if len(sleeps) != 2 || sleeps[0] != 10*time.Second || sleeps[1] != 15*time.Second {
		t.Errorf("backoff waits = %v, want [10s 15s]", sleeps)
	}
	if v := counterValue(metrics.RetriesCounter("nightly")); v != 2 {
		t.Errorf("retries = %v, want 2", v)
	}
	st := s.Status()[0]
	if st.Status != observe.StatusSucceeded {
		t.Errorf("status = %q, want succeeded", st.Status)
	}
	if st.LogicalDate != "2026-07-01" {
		t.Errorf("logical date = %q, want 2026-07-01", st.LogicalDate)
	}
}

func TestPermanentErrorNotRetried(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "@daily"
  retry: {max_attempts: 5}
`)
	budget := fmt.Errorf("%w: source events rejected 9 of 10 records", run.ErrBudget)
	rec := &recorder{next: func(int, context.Context) error { return &run.StepError{Step: "check", Err: budget} }}
	var sleeps []time.Duration
	metrics := observe.NewMetrics(false)
	s, err := New(Options{Config: cfg, Run: rec.run, Metrics: metrics, Sleep: noSleep(&sleeps),
		Now: fixedClock(time.Date(2026, 7, 2, 0, 30, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	s.fire(s.jobs[0])
	if n := len(rec.windows()); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
	if len(sleeps) != 0 {
		t.Errorf("backoff waits = %v, want none", sleeps)
	}
	if v := counterValue(metrics.RunsCounter("nightly", observe.StatusFailed)); v != 1 {
		t.Errorf("failed runs = %v, want 1", v)
	}
	if st := s.Status()[0]; !strings.Contains(st.Error, "rejected 9 of 10") {
		t.Errorf("status error = %q, want the budget error", st.Error)
	}
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "@daily"
  retry: {max_attempts: 2, attempt_timeout: 20ms}
`)
	rec := &recorder{next: func(call int, ctx context.Context) error {
		if call == 1 {
			<-ctx.Done()
			return &run.StepError{Step: "extract", Err: ctx.Err()}
		}
		return nil
	}}
	var sleeps []time.Duration
	s, err := New(Options{Config: cfg, Run: rec.run, Sleep: noSleep(&sleeps),
		Now: fixedClock(time.Date(2026, 7, 2, 0, 30, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	s.fire(s.jobs[0])
	if n := len(rec.windows()); n != 2 {
		t.Errorf("attempts = %d, want 2", n)
	}
	if st := s.Status()[0]; st.Status != observe.StatusSucceeded {
		t.Errorf("status = %q, want succeeded after the retry", st.Status)
	}
}

// TestCronRecoverOutsideSkipLosesSlot pins why the chain puts Recover
// innermost: with cron v3.0.1, Recover outside SkipIfStillRunning leaves
// the skip slot taken after a panic, so the job never runs again.
func TestCronRecoverOutsideSkipLosesSlot(t *testing.T) {
	var l cron.Logger = cron.DiscardLogger
	calls := 0
	body := cron.FuncJob(func() {
		calls++
		if calls == 1 {
			panic("first run")
		}
	})
	wrong := cron.NewChain(cron.Recover(l), cron.SkipIfStillRunning(l)).Then(body)
	wrong.Run()
	wrong.Run()
	if calls != 1 {
		t.Errorf("Recover outside: body ran %d times, want 1 (second run skipped)", calls)
	}
	calls = 0
	right := cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l)).Then(body)
	right.Run()
	right.Run()
	if calls != 2 {
		t.Errorf("Recover inside: body ran %d times, want 2", calls)
	}
}

func TestPanickingRunRecordedAsFailed(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "@daily"
`)
	rec := &recorder{next: func(call int, _ context.Context) error {
		if call == 1 {
			panic("boom in the job")
		}
		return nil
	}}
	metrics := observe.NewMetrics(false)
	s, err := New(Options{Config: cfg, Run: rec.run, Metrics: metrics,
		Now: fixedClock(time.Date(2026, 7, 2, 0, 30, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	j := s.jobs[0]
	j.wrapped.Run() // panics inside; Recover in the chain stops it
	if v := counterValue(metrics.RunsCounter("nightly", observe.StatusFailed)); v != 1 {
		t.Errorf("failed runs after the panic = %v, want 1", v)
	}
	if st := s.Status()[0]; st.Running || st.Status != observe.StatusFailed {
		t.Errorf("status after the panic = running %v, %q; want not running, failed", st.Running, st.Status)
	}
	j.wrapped.Run()
	if n := len(rec.windows()); n != 2 {
		t.Errorf("runs = %d, want 2: the firing after the panic must run", n)
	}
	if v := counterValue(metrics.RunsCounter("nightly", observe.StatusSucceeded)); v != 1 {
		t.Errorf("succeeded runs = %v, want 1", v)
	}
}

func TestPanickingJobNextFiringRuns(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: fast
      cron: "@every 1s"
  grace_period: 1s
`)
	second := make(chan struct{})
	rec := &recorder{next: func(call int, _ context.Context) error {
		switch call {
		case 1:
			panic("boom in the first firing")
		case 2:
			close(second)
		}
		return nil
	}}
	metrics := observe.NewMetrics(false)
	s, err := New(Options{Config: cfg, Run: rec.run, Metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-second:
	case <-time.After(10 * time.Second):
		t.Fatal("no second firing within 10s after a panicking first firing")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after a clean stop", err)
	}
	if v := counterValue(metrics.RunsCounter("fast", observe.StatusFailed)); v != 1 {
		t.Errorf("failed runs = %v, want 1", v)
	}
}

func TestShutdownWaitsForRunningRun(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "0 3 * * *"
  grace_period: 1h
`)
	writeManifest(t, cfg, "run-old", "2026-06-30", "2026-06-30", run.StatusSucceeded, time.Date(2026, 7, 1, 3, 5, 0, 0, time.UTC))
	started, release := make(chan struct{}), make(chan struct{})
	rec := &recorder{next: func(_ int, ctx context.Context) error {
		close(started)
		<-release
		return ctx.Err()
	}}
	graceOver := make(chan time.Time)
	s, err := New(Options{Config: cfg, Run: rec.run, After: func(time.Duration) <-chan time.Time { return graceOver },
		Now: fixedClock(time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-started
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned %v while the run was still going", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil when the run finishes within the grace period", err)
	}
	if st := s.Status()[0]; st.Status != observe.StatusSucceeded {
		t.Errorf("status = %q, want succeeded", st.Status)
	}
}

func TestShutdownCancelsRunAfterGrace(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "0 3 * * *"
  grace_period: 30s
  retry: {max_attempts: 3}
`)
	writeManifest(t, cfg, "run-old", "2026-06-29", "2026-06-29", run.StatusSucceeded, time.Date(2026, 6, 30, 3, 5, 0, 0, time.UTC))
	started := make(chan struct{})
	rec := &recorder{next: func(_ int, ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return &run.StepError{Step: "load", Err: ctx.Err()}
	}}
	graceOver := make(chan time.Time, 1)
	var graceRequested time.Duration
	s, err := New(Options{Config: cfg, Run: rec.run,
		After: func(d time.Duration) <-chan time.Time { graceRequested = d; return graceOver },
		Now:   fixedClock(time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-started
	cancel()
	graceOver <- time.Now()
	err = <-done
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want ErrCancelled wrapping context.Canceled", err)
	}
	if graceRequested != 30*time.Second {
		t.Errorf("grace period = %s, want 30s", graceRequested)
	}
	// The cancelled run is not retried and the second missed date never starts.
	if got := rec.windows(); len(got) != 1 {
		t.Errorf("runs = %v, want only the cancelled one", got)
	}
	if st := s.Status()[0]; st.Status != observe.StatusCancelled {
		t.Errorf("status = %q, want cancelled", st.Status)
	}
}

func TestNewRejectsEmptySchedule(t *testing.T) {
	cfg := writeConfig(t, "")
	_, err := New(Options{Config: cfg})
	if !errors.Is(err, config.ErrInvalid) {
		t.Errorf("New without jobs = %v, want config.ErrInvalid", err)
	}
}

func TestShutdownEndsRetryWait(t *testing.T) {
	cfg := writeConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "0 3 * * *"
  grace_period: 1h
  retry: {max_attempts: 5, initial_backoff: 1h, max_backoff: 1h}
`)
	writeManifest(t, cfg, "run-old", "2026-06-30", "2026-06-30", run.StatusSucceeded, time.Date(2026, 7, 1, 3, 5, 0, 0, time.UTC))
	locked := &run.StepError{Step: "lock", Err: &run.LockedError{Path: "out/.evidencepack.lock", Holder: "pid 1"}}
	rec := &recorder{next: func(int, context.Context) error { return locked }}
	waiting := make(chan struct{})
	sleep := func(ctx context.Context, _ time.Duration) error {
		close(waiting)
		<-ctx.Done()
		return ctx.Err()
	}
	s, err := New(Options{Config: cfg, Run: rec.run, Sleep: sleep,
		Now: fixedClock(time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-waiting
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil: a run waiting to retry stops without cancelling anything", err)
	}
	if n := len(rec.windows()); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
	if st := s.Status()[0]; st.Status != observe.StatusFailed {
		t.Errorf("status = %q, want failed", st.Status)
	}
}
