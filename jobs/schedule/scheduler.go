// Package schedule runs the jobs of the config's schedule section on their
// cron specs. It catches up missed logical dates on start, retries
// transient failures and never overlaps two runs of one job. It reports
// metrics, lineage and health, and stops cleanly on shutdown.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"evidencepack/config"
	"evidencepack/jobs/observe"
	"evidencepack/jobs/run"
)

// RunFunc runs one window; run.Run in production, a stub in tests.
type RunFunc func(ctx context.Context, cfg *config.Config, opts run.Options) (*run.Manifest, error)

// ErrCancelled is returned by Scheduler.Run when a run was still going at
// the end of the grace period and had to be cancelled. It wraps
// context.Canceled.
var ErrCancelled = fmt.Errorf("run cancelled at shutdown after the grace period: %w", context.Canceled)

// lockWait is how long a run waits for another run's lock on the output
// directory, such as a run of another job or a manual `evidencepack run`.
const lockWait = 15 * time.Minute

// Options configures a Scheduler. Only Config is required.
type Options struct {
	Config *config.Config
	// Base is copied into the options of every run, for settings such
	// as ConfigBytes and HMACKey. From, To, Logger and Now are set per
	// run, and LockWait when Base leaves it 0.
	Base run.Options
	// Logger receives the scheduler's logs; nil discards them.
	Logger *slog.Logger
	// Metrics and Lineage receive each run's outcome; nil Metrics creates
	// a new set, nil Lineage emits no events.
	Metrics *observe.Metrics
	Lineage *observe.Lineage
	// Listener serves /metrics and /healthz while Run runs; nil serves
	// nothing.
	Listener net.Listener
	// Run runs one window; nil means run.Run.
	Run RunFunc
	// Now returns the current time; nil means time.Now. It decides
	// logical dates and catch-up, while cron fires on the real clock.
	Now func() time.Time
	// Sleep waits between attempts and After ends the grace period; nil
	// means real timers. Tests pass fakes so that nothing waits.
	Sleep func(ctx context.Context, d time.Duration) error
	After func(d time.Duration) <-chan time.Time
	// Jitter returns a number in [0, 1) that scales each backoff; nil
	// means math/rand/v2.
	Jitter func() float64
}

// Scheduler runs the configured jobs.
type Scheduler struct {
	opts    Options
	cfg     *config.Config
	log     *slog.Logger
	metrics *observe.Metrics
	cron    *cron.Cron
	jobs    []*job

	// runCtx is the context of every run. Shutdown cancels it only when
	// the grace period is over.
	runCtx     context.Context
	cancelRuns context.CancelFunc
	// shutdownCtx is done once shutdown is requested, which ends the
	// wait before a retry. It is the context passed to Run.
	shutdownCtx context.Context

	mu       sync.Mutex
	stopping bool
	status   map[string]*JobStatus
}

// job is one configured job with its parsed schedule.
type job struct {
	cfg      config.ScheduleJob
	schedule cron.Schedule
	lookback int
	// wrapped is the job's cron entry: the firing wrapped in
	// SkipIfStillRunning and Recover.
	wrapped cron.Job
}

// New parses the schedule of every job in opts.Config.
func New(opts Options) (*Scheduler, error) {
	if opts.Config == nil {
		return nil, errors.New("schedule: no config")
	}
	if len(opts.Config.Schedule.Jobs) == 0 {
		return nil, fmt.Errorf("%w: schedule.jobs: no jobs to schedule; add at least one job with a name and a cron spec",
			config.ErrInvalid)
	}
	s := &Scheduler{opts: opts, cfg: opts.Config, log: opts.Logger, metrics: opts.Metrics,
		status: map[string]*JobStatus{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.metrics == nil {
		s.metrics = observe.NewMetrics(false)
	}
	s.fillDefaults()
	s.runCtx, s.cancelRuns = context.WithCancel(context.Background())
	s.shutdownCtx = context.Background()

	cronLog := cronLogger{s.log}
	s.cron = cron.New(cron.WithLogger(cronLog), cron.WithLocation(time.UTC))
	// Recover sits inside SkipIfStillRunning: in cron v3.0.1 a panic that
	// passes through SkipIfStillRunning never returns its slot, and every
	// later firing of the job would be skipped.
	chain := cron.NewChain(cron.SkipIfStillRunning(cronLog), cron.Recover(cronLog))
	for _, jc := range s.cfg.Schedule.Jobs {
		sched, err := Parse(jc.Spec)
		if err != nil {
			return nil, fmt.Errorf("%w: schedule job %s: invalid cron spec %q: %w", config.ErrInvalid, jc.Name, jc.Cron, err)
		}
		j := &job{cfg: jc, schedule: sched, lookback: s.cfg.LookbackDays}
		if jc.LookbackDays != nil {
			j.lookback = *jc.LookbackDays
		}
		j.wrapped = chain.Then(cron.FuncJob(func() { s.fire(j) }))
		s.cron.Schedule(sched, j.wrapped)
		s.jobs = append(s.jobs, j)
		s.status[jc.Name] = &JobStatus{Job: jc.Name, Cron: jc.Cron, TimeZone: jc.Location.String()}
	}
	return s, nil
}

func (s *Scheduler) fillDefaults() {
	if s.opts.Run == nil {
		s.opts.Run = run.Run
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	if s.opts.Sleep == nil {
		s.opts.Sleep = sleepContext
	}
	if s.opts.After == nil {
		s.opts.After = time.After
	}
	if s.opts.Jitter == nil {
		s.opts.Jitter = rand.Float64
	}
}

// Run catches up missed dates, then fires the jobs on their schedules
// until ctx is done. On shutdown it stops new firings and waits for the
// running runs up to the grace period, then cancels them and waits for
// them to return. It returns nil after a clean stop and ErrCancelled when
// it had to cancel a run.
func (s *Scheduler) Run(ctx context.Context) error {
	defer s.cancelRuns()
	s.shutdownCtx = ctx
	server := s.serve()

	started := make(chan struct{})
	go func() {
		defer close(started)
		s.catchUp(ctx)
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.stopping {
			s.cron.Start()
			s.log.Info("scheduler started", "jobs", len(s.jobs))
		}
	}()

	<-ctx.Done()
	grace := *s.cfg.Schedule.GracePeriod
	s.log.Info("shutdown requested: no new runs start", "grace_period", grace.String())
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	stopped := s.cron.Stop()
	idle := make(chan struct{})
	go func() {
		<-started
		<-stopped.Done()
		close(idle)
	}()

	var err error
	select {
	case <-idle:
		s.log.Info("scheduler stopped")
	case <-s.opts.After(grace):
		s.log.Warn("grace period over: cancelling the running run", "grace_period", grace.String())
		s.cancelRuns()
		<-idle
		s.log.Warn("scheduler stopped after cancelling a run")
		err = ErrCancelled
	}
	if server != nil {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdownCtx)
	}
	return err
}

// fire runs the logical date of a firing: the day before now in the job's
// zone.
func (s *Scheduler) fire(j *job) {
	s.runDate(j, LogicalDate(s.opts.Now(), j.cfg.Location), "schedule")
}

// LogicalDate returns the day before t in loc, as a UTC midnight.
func LogicalDate(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	return time.Date(local.Year(), local.Month(), local.Day()-1, 0, 0, 0, 0, time.UTC)
}

// cronLogger sends cron's own messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	if msg == "skip" {
		l.log.Warn("firing skipped: the previous run of the job is still going")
		return
	}
	l.log.Debug("cron: "+msg, keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, keysAndValues...)...)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// serve starts the /metrics and /healthz server on the configured
// listener.
func (s *Scheduler) serve() *http.Server {
	if s.opts.Listener == nil {
		return nil
	}
	server := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := server.Serve(s.opts.Listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics server stopped", "addr", s.opts.Listener.Addr().String(), "err", err)
		}
	}()
	s.log.Info("serving /metrics and /healthz", "addr", s.opts.Listener.Addr().String())
	return server
}
