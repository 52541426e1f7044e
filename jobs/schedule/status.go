package schedule

import (
	"encoding/json"
	"net/http"
	"time"

	"evidencepack/jobs/observe"
	"evidencepack/jobs/run"
)

// JobStatus is the state of one job as /healthz reports it.
type JobStatus struct {
	Job      string `json:"job"`
	Cron     string `json:"cron"`
	TimeZone string `json:"time_zone"`
	Running  bool   `json:"running"`
	// The fields below describe the job's latest run in this process.
	RunID         string     `json:"run_id,omitempty"`
	LogicalDate   string     `json:"logical_date,omitempty"`
	Status        string     `json:"status,omitempty"`
	ManifestRunID string     `json:"manifest_run_id,omitempty"`
	Error         string     `json:"error,omitempty"`
	StartedAt     *time.Time `json:"started_at,omitempty"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	NextFiringAt  *time.Time `json:"next_firing_at,omitempty"`
}

// Health is the /healthz response body.
type Health struct {
	Status string      `json:"status"`
	Jobs   []JobStatus `json:"jobs"`
}

func (s *Scheduler) setRunning(name, runID, date string, start time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status[name]
	st.Running = true
	st.RunID, st.LogicalDate = runID, date
	st.Status, st.ManifestRunID, st.Error = "running", "", ""
	started := start.UTC()
	st.StartedAt, st.FinishedAt = &started, nil
}

func (s *Scheduler) setFinished(name string, m *run.Manifest, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status[name]
	st.Running = false
	st.Status = observe.RunOutcome(err)
	if err != nil {
		st.Error = err.Error()
	}
	if m != nil {
		st.ManifestRunID = m.RunID
	}
	finished := s.opts.Now().UTC()
	st.FinishedAt = &finished
	if err == nil {
		st.LastSuccessAt = &finished
	}
}

// Status returns a copy of every job's status in config order.
func (s *Scheduler) Status() []JobStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JobStatus, 0, len(s.jobs))
	for _, j := range s.jobs {
		st := *s.status[j.cfg.Name]
		if next := j.schedule.Next(s.opts.Now()); !next.IsZero() {
			next = next.UTC()
			st.NextFiringAt = &next
		}
		out = append(out, st)
	}
	return out
}

// Handler serves /metrics in the Prometheus text format and /healthz as
// JSON with each job's latest run. /healthz returns 200 while the process
// runs, whatever the runs' outcomes, so that a failed run does not get
// the scheduler restarted. Alerts belong on the metrics.
func (s *Scheduler) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(Health{Status: "ok", Jobs: s.Status()})
	})
	return mux
}
