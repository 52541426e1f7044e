// Package observe reports evidencepack runs to operators: Prometheus
// metrics, OpenLineage run events and a progress line on a terminal.
package observe

import (
	"context"
	"errors"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"evidencepack/config"
	"evidencepack/jobs/checks"
	"evidencepack/jobs/run"
)

// Run outcomes, the status label of evidencepack_runs_total.
const (
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// Metric names.
const (
	metricRuns        = "evidencepack_runs_total"
	metricRetries     = "evidencepack_run_retries_total"
	metricDuration    = "evidencepack_run_duration_seconds"
	metricRows        = "evidencepack_rows_total"
	metricQuarantined = "evidencepack_quarantined_rows_total"
	metricLastSuccess = "evidencepack_last_success_timestamp_seconds"
	metricChecks      = "evidencepack_checks"
	metricFreshness   = "evidencepack_source_freshness_age_seconds"
)

// Metrics holds the evidencepack metrics in a registry of their own.
type Metrics struct {
	registry    *prometheus.Registry
	runs        *prometheus.CounterVec
	retries     *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	rows        *prometheus.CounterVec
	quarantined *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	checks      *prometheus.GaugeVec
	freshness   *prometheus.GaugeVec

	mu sync.Mutex
	// succeeded contains the jobs whose last success time is set.
	succeeded map[string]bool
}

// NewMetrics registers the metrics in a new registry. With process true
// it also registers the Go runtime and process collectors, which suit a
// long-running process but not a textfile written by a one-shot run.
func NewMetrics(process bool) *Metrics {
	m := &Metrics{
		registry:  prometheus.NewRegistry(),
		succeeded: map[string]bool{},
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricRuns,
			Help: "Runs finished, by job and status (succeeded, failed or cancelled).",
		}, []string{"job", "status"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricRetries,
			Help: "Attempts retried after a transient failure, by job.",
		}, []string{"job"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: metricDuration,
			Help: "Wall time of a run with all its attempts, by job.",
			// 1 s to about 4.5 h.
			Buckets: prometheus.ExponentialBuckets(1, 2, 15),
		}, []string{"job"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricRows,
			Help: "Rows per run stage (read, loaded, quarantined, duplicate, outside_window, not_allowed) and source, from the run manifests.",
		}, []string{"job", "source", "stage"}),
		quarantined: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: metricQuarantined,
			Help: "Rows written to the quarantine files, by source.",
		}, []string{"job", "source"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: metricLastSuccess,
			Help: "Unix time at which the job's last successful run finished.",
		}, []string{"job"}),
	}
	m.checks = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: metricChecks,
		Help: "Data quality checks of the latest run that reached its check step, by table, severity and status (passed or failed).",
	}, []string{"table", "severity", "status"})
	m.freshness = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: metricFreshness,
		Help: "Age in seconds of the source's newest fact at the end of the window of the latest run that reached its check step.",
	}, []string{"source"})
	m.registry.MustRegister(m.runs, m.retries, m.duration, m.rows, m.quarantined, m.lastSuccess,
		m.checks, m.freshness)
	if process {
		m.registry.MustRegister(collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return m
}

// Handler returns the /metrics handler of the registry.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Gatherer returns the registry, for tests and textfiles.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.registry }

// RunOutcome returns the status label of a run that returned err.
func RunOutcome(err error) string {
	switch {
	case err == nil:
		return StatusSucceeded
	case errors.Is(err, context.Canceled):
		return StatusCancelled
	}
	return StatusFailed
}

// ObserveRun counts one finished run of job: its outcome, its duration
// and, when the run got as far as writing a manifest, its row counts.
func (m *Metrics) ObserveRun(job string, man *run.Manifest, err error, took time.Duration) {
	m.runs.WithLabelValues(job, RunOutcome(err)).Inc()
	m.duration.WithLabelValues(job).Observe(took.Seconds())
	if man == nil {
		return
	}
	names := make([]string, 0, len(man.Sources))
	for name := range man.Sources {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := man.Sources[name].Counts
		for stage, n := range map[string]int64{
			"read": c.Records, "loaded": c.Facts, "quarantined": c.Rejected,
			"duplicate": c.Duplicates, "outside_window": c.OutOfWindow, "not_allowed": c.NotAllowed,
		} {
			m.rows.WithLabelValues(job, name, stage).Add(float64(n))
		}
		m.quarantined.WithLabelValues(job, name).Add(float64(c.Rejected))
	}
	m.observeChecks(man)
	if err == nil {
		m.SetLastSuccess(job, man.FinishedAt)
	}
}

// observeChecks replaces the check and freshness gauges with the results
// of man. A run that stopped before its check step has none and leaves
// the gauges of the previous run in place.
func (m *Metrics) observeChecks(man *run.Manifest) {
	if len(man.Checks) == 0 && len(man.Freshness) == 0 {
		return
	}
	m.checks.Reset()
	for _, status := range []string{checks.StatusPassed, checks.StatusFailed} {
		for _, severity := range []string{config.SeverityWarn, config.SeverityError} {
			for _, table := range checkTables(man) {
				m.checks.WithLabelValues(table, severity, status).Set(0)
			}
		}
	}
	for _, c := range man.Checks {
		m.checks.WithLabelValues(c.Table, c.Severity, c.Status).Inc()
	}
	m.freshness.Reset()
	for _, f := range man.Freshness {
		// A source with no fact at all has no age to report.
		if f.NewestAt != nil {
			m.freshness.WithLabelValues(f.Source).Set(f.AgeSeconds)
		}
	}
}

// checkTables returns the tables that the checks of man read.
func checkTables(man *run.Manifest) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range man.Checks {
		if !seen[c.Table] {
			seen[c.Table] = true
			out = append(out, c.Table)
		}
	}
	return out
}

// ObserveRetry counts one retried attempt of job.
func (m *Metrics) ObserveRetry(job string) { m.retries.WithLabelValues(job).Inc() }

// SetLastSuccess sets the last success time of job, such as from the
// manifests on disk when the scheduler starts.
func (m *Metrics) SetLastSuccess(job string, t time.Time) {
	m.mu.Lock()
	m.succeeded[job] = true
	m.mu.Unlock()
	m.lastSuccess.WithLabelValues(job).Set(float64(t.Unix()))
}

// WriteTextfile writes the metrics to path in the Prometheus text format
// that node_exporter's textfile collector reads. It writes a temporary
// file in the same directory and renames it over path, so the collector
// never reads a partial file. A last success time found in the file it
// replaces is kept for every job that has none in m, so a failed run does
// not erase when the job last succeeded.
func (m *Metrics) WriteTextfile(path string) error {
	for job, ts := range previousLastSuccess(path) {
		m.mu.Lock()
		known := m.succeeded[job]
		m.mu.Unlock()
		if !known {
			m.lastSuccess.WithLabelValues(job).Set(ts)
		}
	}
	return prometheus.WriteToTextfile(path, m.registry)
}

// previousLastSuccess returns the last success gauge values of an
// existing textfile by job, or nothing when the file is absent or
// unreadable.
func previousLastSuccess(path string) map[string]float64 {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		return nil
	}
	out := map[string]float64{}
	family := families[metricLastSuccess]
	if family == nil {
		return out
	}
	for _, metric := range family.GetMetric() {
		for _, l := range metric.GetLabel() {
			if l.GetName() == "job" {
				out[l.GetValue()] = metric.GetGauge().GetValue()
			}
		}
	}
	return out
}

// RunsCounter returns the counter of job's runs with status.
func (m *Metrics) RunsCounter(job, status string) prometheus.Counter {
	return m.runs.WithLabelValues(job, status)
}

// RetriesCounter returns the counter of job's retried attempts.
func (m *Metrics) RetriesCounter(job string) prometheus.Counter {
	return m.retries.WithLabelValues(job)
}
