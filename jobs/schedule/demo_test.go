package schedule

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/demo"
	"evidencepack/jobs/observe"
	"evidencepack/jobs/run"
)

// demoConfig writes three days of small demo inputs and the demo config
// with the given schedule section to a temporary directory laid out like
// the repository, and loads the config.
func demoConfig(t *testing.T, schedule string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	opts := demo.Options{Seed: 7, Accounts: 3, Scale: 0.2,
		From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 3, 0, 0, 0, 0, time.UTC)}
	if _, err := demo.Generate(context.Background(), filepath.Join(dir, "out", "demo-input"), opts); err != nil {
		t.Fatalf("generate demo inputs: %v", err)
	}
	base, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config", "demo.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	// Three days of demo data carry a larger share of deliberately broken
	// records than a quarter, so the reject budgets are lifted.
	base = regexp.MustCompile(`max_reject_ratio: [0-9.]+`).ReplaceAll(base, []byte("max_reject_ratio: 1"))
	if err := os.WriteFile(path, append(base, []byte(schedule)...), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		t.Fatalf("load demo config: %v", err)
	}
	return cfg
}

// TestSchedulerFiresDemoRun fires a job with a one-second spec, runs the
// real run.Run on demo inputs, and reads /metrics and /healthz over
// loopback.
func TestSchedulerFiresDemoRun(t *testing.T) {
	cfg := demoConfig(t, `
schedule:
  jobs:
    - name: nightly
      cron: "@every 1s"
      max_catchup: 0
  grace_period: 1m
observability:
  lineage:
    file: ../out/lineage.jsonl
`)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metrics := observe.NewMetrics(false)
	// The first firing runs run.Run. Later firings wait for release, so
	// the counters read below belong to the first run alone.
	release := make(chan struct{})
	calls := 0
	runFunc := func(ctx context.Context, cfg *config.Config, opts run.Options) (*run.Manifest, error) {
		calls++ // firings of one job never overlap
		if calls > 1 {
			<-release
			return nil, nil
		}
		return run.Run(ctx, cfg, opts)
	}
	// The logical date is the day before this clock's date: 2026-07-02.
	s, err := New(Options{Config: cfg, Run: runFunc, Metrics: metrics, Lineage: observe.NewLineage(cfg),
		Listener: listener, Now: fixedClock(time.Date(2026, 7, 3, 2, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- s.Run(ctx) }()
	succeeded := metrics.RunsCounter("nightly", observe.StatusSucceeded)
	failed := metrics.RunsCounter("nightly", observe.StatusFailed)
	deadline := time.Now().Add(2 * time.Minute)
	for counterValue(succeeded)+counterValue(failed) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no run finished within 2 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
	base := "http://" + listener.Addr().String()

	body := get(t, base+"/metrics")
	for _, want := range []string{
		`evidencepack_runs_total{job="nightly",status="succeeded"} 1`,
		`evidencepack_rows_total{job="nightly",source="product_events",stage="read"}`,
		`evidencepack_quarantined_rows_total{job="nightly",source="cloud_bill"}`,
		`evidencepack_last_success_timestamp_seconds{job="nightly"}`,
		`evidencepack_run_duration_seconds_count{job="nightly"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no line with %q", want)
		}
	}

	var health Health
	if err := json.Unmarshal([]byte(get(t, base+"/healthz")), &health); err != nil {
		t.Fatalf("decode /healthz: %v", err)
	}
	if len(health.Jobs) != 1 {
		t.Fatalf("/healthz jobs = %d, want 1", len(health.Jobs))
	}
	job := health.Jobs[0]
	if job.Status != observe.StatusSucceeded && job.Status != "running" {
		t.Errorf("/healthz status = %q (error %q), want succeeded or, for the next firing, running", job.Status, job.Error)
	}
	if job.LogicalDate != "2026-07-02" {
		t.Errorf("/healthz logical_date = %q, want 2026-07-02", job.LogicalDate)
	}

	close(release)
	cancel()
	if err := <-stopped; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	m := latestSucceeded(t, cfg)
	if m.From != "2026-07-02" || m.To != "2026-07-02" {
		t.Errorf("manifest window = %s..%s, want 2026-07-02..2026-07-02", m.From, m.To)
	}
	if m.Sources["product_events"].Records == 0 {
		t.Error("manifest shows no product_events records read")
	}
	checkLineageFile(t, cfg.Resolve("../out/lineage.jsonl"))
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %s", url, resp.Status)
	}
	return string(data)
}

func latestSucceeded(t *testing.T, cfg *config.Config) *run.Manifest {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(cfg.Resolve(cfg.OutputDir), "runs", "*.json"))
	var latest *run.Manifest
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m run.Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("decode %s: %v", f, err)
		}
		if m.Status == run.StatusSucceeded && (latest == nil || m.FinishedAt.After(latest.FinishedAt)) {
			latest = &m
		}
	}
	if latest == nil {
		t.Fatalf("no succeeded manifest among %v", files)
	}
	return latest
}

// checkLineageFile checks that the first run wrote a START and a COMPLETE
// event with one runId, inputs and outputs.
func checkLineageFile(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open lineage file: %v", err)
	}
	defer f.Close()
	var events []observe.LineageEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e observe.LineageEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("decode lineage line: %v", err)
		}
		events = append(events, e)
	}
	if len(events) < 2 {
		t.Fatalf("lineage events = %d, want at least START and COMPLETE", len(events))
	}
	start, complete := events[0], events[1]
	if start.EventType != observe.EventStart || complete.EventType != observe.EventComplete {
		t.Errorf("event types = %s, %s; want START, COMPLETE", start.EventType, complete.EventType)
	}
	if start.Run.RunID != complete.Run.RunID {
		t.Errorf("runId of START %s differs from COMPLETE %s", start.Run.RunID, complete.Run.RunID)
	}
	if len(complete.Inputs) == 0 {
		t.Error("COMPLETE event has no inputs")
	}
	found := false
	for _, o := range complete.Outputs {
		found = found || strings.HasSuffix(o.Name, "/facts/usage_events")
	}
	if !found {
		t.Errorf("COMPLETE outputs %v do not include the usage_events fact table", complete.Outputs)
	}
}
