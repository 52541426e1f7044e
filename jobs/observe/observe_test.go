package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"evidencepack/config"
	"evidencepack/jobs/run"
	"evidencepack/transforms"
)

func testConfig(t *testing.T, lineage config.Lineage) *config.Config {
	t.Helper()
	if lineage.Namespace == "" {
		lineage.Namespace = "evidencepack-test"
	}
	return &config.Config{Dir: t.TempDir(), OutputDir: "out",
		Observability: config.Observability{Lineage: lineage}}
}

func testManifest() *run.Manifest {
	return &run.Manifest{
		RunID: "run-0123456789abcdef0123", Status: run.StatusSucceeded, From: "2026-07-01", To: "2026-07-02",
		FinishedAt: time.Date(2026, 7, 3, 2, 10, 0, 0, time.UTC),
		Inputs:     []run.InputFile{{Source: "product_events", Path: "/data/usage/2026-07-01.jsonl", Size: 10, SHA256: "ab"}},
		Sources: map[string]*run.SourceStats{"product_events": {Kind: "usage", Table: "usage_events",
			Counts: transforms.Counts{Records: 10, Facts: 7, Rejected: 2, Duplicates: 1}}},
		Partitions: []run.PartitionInfo{
			{Table: "usage_events", Date: "2026-07-01", Source: "product_events", Rows: 4},
			{Table: "usage_events", Date: "2026-07-02", Source: "product_events", Rows: 3},
		},
	}
}

func TestLineageHTTPPost(t *testing.T) {
	type received struct {
		method, contentType string
		event               map[string]any
	}
	got := make(chan received, 2)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var e map[string]any
		if err := json.Unmarshal(body, &e); err != nil {
			http.Error(w, "body is not JSON", http.StatusBadRequest)
			return
		}
		got <- received{r.Method, r.Header.Get("Content-Type"), e}
		w.WriteHeader(http.StatusCreated)
	}))
	defer server.Close()

	cfg := testConfig(t, config.Lineage{URL: server.URL + "/api/v1/lineage"})
	l := NewLineage(cfg)
	runID := "nightly-2026-07-02-20260703T020000Z"
	now := time.Date(2026, 7, 3, 2, 0, 0, 0, time.UTC)
	if err := l.Emit(context.Background(), l.Event(EventStart, "nightly", runID, now, cfg, nil, nil)); err != nil {
		t.Fatalf("emit START: %v", err)
	}
	complete := l.Event(EventComplete, "nightly", runID, now.Add(time.Minute), cfg, testManifest(), nil)
	if err := l.Emit(context.Background(), complete); err != nil {
		t.Fatalf("emit COMPLETE: %v", err)
	}

	start, done := <-got, <-got
	if start.method != http.MethodPost {
		t.Errorf("method = %s, want POST", start.method)
	}
	if start.contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", start.contentType)
	}
	if start.event["eventType"] != "START" || done.event["eventType"] != "COMPLETE" {
		t.Errorf("event types = %v, %v; want START, COMPLETE", start.event["eventType"], done.event["eventType"])
	}
	if start.event["eventTime"] != "2026-07-03T02:00:00Z" {
		t.Errorf("eventTime = %v, want 2026-07-03T02:00:00Z", start.event["eventTime"])
	}
	if start.event["schemaURL"] != LineageSchemaURL || start.event["producer"] != LineageProducer {
		t.Errorf("schemaURL, producer = %v, %v", start.event["schemaURL"], start.event["producer"])
	}
	startRun := start.event["run"].(map[string]any)
	doneRun := done.event["run"].(map[string]any)
	if _, err := uuid.Parse(startRun["runId"].(string)); err != nil {
		t.Errorf("runId %v is not a UUID: %v", startRun["runId"], err)
	}
	if startRun["runId"] != doneRun["runId"] || startRun["runId"] != LineageRunID(runID) {
		t.Errorf("runIds = %v, %v; want both %s", startRun["runId"], doneRun["runId"], LineageRunID(runID))
	}
	job := start.event["job"].(map[string]any)
	if job["namespace"] != "evidencepack-test" || job["name"] != "nightly" {
		t.Errorf("job = %v, want namespace evidencepack-test and name nightly", job)
	}
	inputs := done.event["inputs"].([]any)
	if len(inputs) != 1 || inputs[0].(map[string]any)["name"] != "/data/usage/2026-07-01.jsonl" ||
		inputs[0].(map[string]any)["namespace"] != "file" {
		t.Errorf("inputs = %v, want the one usage file in namespace file", inputs)
	}
	outputs := done.event["outputs"].([]any)
	wantOut := filepath.Join(cfg.Dir, "out", "facts", "usage_events")
	if len(outputs) != 1 || outputs[0].(map[string]any)["name"] != wantOut {
		t.Errorf("outputs = %v, want the usage_events table at %s", outputs, wantOut)
	}
}

func TestLineageHTTPErrorStatus(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no", http.StatusServiceUnavailable)
	}))
	defer server.Close()
	cfg := testConfig(t, config.Lineage{URL: server.URL})
	l := NewLineage(cfg)
	err := l.Emit(context.Background(), l.Event(EventStart, "nightly", "r", time.Now(), cfg, nil, nil))
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("Emit = %v, want an error naming status 503", err)
	}
}

func TestLineageFileAppendsLines(t *testing.T) {
	cfg := testConfig(t, config.Lineage{File: "lineage/events.jsonl"})
	l := NewLineage(cfg)
	now := time.Date(2026, 7, 3, 2, 0, 0, 0, time.UTC)
	runErr := errors.New("load: warehouse error: disk full")
	for _, e := range []LineageEvent{
		l.Event(EventStart, "nightly", "r1", now, cfg, nil, nil),
		l.Event(EventFail, "nightly", "r1", now, cfg, testManifest(), runErr),
	} {
		if err := l.Emit(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(cfg.Dir, "lineage", "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("lines = %d, want 2", len(lines))
	}
	var fail LineageEvent
	if err := json.Unmarshal([]byte(lines[1]), &fail); err != nil {
		t.Fatal(err)
	}
	facet, ok := fail.Run.Facets["errorMessage"].(map[string]any)
	if !ok || facet["message"] != runErr.Error() {
		t.Errorf("FAIL errorMessage facet = %v, want the run error", fail.Run.Facets["errorMessage"])
	}
}

func TestNewLineageUnset(t *testing.T) {
	if l := NewLineage(testConfig(t, config.Lineage{})); l != nil {
		t.Errorf("NewLineage without file or url = %v, want nil", l)
	}
	var l *Lineage
	if err := l.Emit(context.Background(), LineageEvent{}); err != nil {
		t.Errorf("nil Lineage Emit = %v, want nil", err)
	}
}

func TestMetricsTextfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "evidencepack.prom")
	m := NewMetrics(false)
	m.ObserveRun("run", testManifest(), nil, 90*time.Second)
	if err := m.WriteTextfile(path); err != nil {
		t.Fatal(err)
	}
	// A later failed run keeps the last success time of the file it replaces.
	failed := NewMetrics(false)
	failed.ObserveRun("run", nil, errors.New("extract: input error"), time.Second)
	if err := failed.WriteTextfile(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{
		`evidencepack_runs_total{job="run",status="failed"} 1`,
		`evidencepack_last_success_timestamp_seconds{job="run"} 1.7830446e+09`,
		`# TYPE evidencepack_run_duration_seconds histogram`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("textfile has no %q:\n%s", want, text)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
	if len(leftovers) != 1 {
		t.Errorf("files in the textfile directory = %v, want only the .prom file", leftovers)
	}
}

func TestMetricsRowsPerStage(t *testing.T) {
	m := NewMetrics(false)
	m.ObserveRun("nightly", testManifest(), nil, time.Second)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`evidencepack_rows_total{job="nightly",source="product_events",stage="read"} 10`,
		`evidencepack_rows_total{job="nightly",source="product_events",stage="loaded"} 7`,
		`evidencepack_rows_total{job="nightly",source="product_events",stage="duplicate"} 1`,
		`evidencepack_quarantined_rows_total{job="nightly",source="product_events"} 2`,
		`evidencepack_runs_total{job="nightly",status="succeeded"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}
}

func TestRunLoggerOneRunIDKey(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewJSONHandler(&buf, nil))
	log := RunLogger(base, "nightly-2026-07-02-20260703T020000Z", "nightly", "2026-07-02")
	log.With("attempt", 1).Info("run succeeded", "run_id", "run-abc", "manifest", "out/runs/run-abc.json")
	line := buf.String()
	if n := strings.Count(line, `"run_id"`); n != 1 {
		t.Errorf("run_id keys = %d, want 1: %s", n, line)
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"run_id": "nightly-2026-07-02-20260703T020000Z", "job": "nightly",
		"logical_date": "2026-07-02", "manifest_run_id": "run-abc", "attempt": 1.0}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %v, want %v", k, rec[k], v)
		}
	}
}

func TestProgressLines(t *testing.T) {
	var logs, progress bytes.Buffer
	base := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	log := WithProgress(base, &progress)
	log.Info("step started", "step", "extract")
	src := log.With("source", "product_events")
	src.Debug("read input", "file", "usage/2026-07-01.jsonl", "records", 120)
	src.Debug("read input", "file", "usage/2026-07-02.jsonl", "records", 80)
	out := progress.String()
	for _, want := range []string{"step extract\n", "product_events: 2 files, last usage/2026-07-02.jsonl (80 records)"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output has no %q: %q", want, out)
		}
	}
	if strings.Contains(logs.String(), "read input") {
		t.Error("debug records reached the info-level log")
	}
	if !strings.Contains(logs.String(), "step started") {
		t.Error("info record missing from the log")
	}
}
