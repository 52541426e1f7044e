package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scheduleWorkspace writes three days of small demo inputs and the demo
// config with extra appended, with the reject budgets lifted because a
// few days of demo data carry a large share of deliberately broken
// records.
func scheduleWorkspace(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	text, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text = regexp.MustCompile(`max_reject_ratio: [0-9.]+`).ReplaceAll(text, []byte("max_reject_ratio: 1"))
	text = append(text, []byte(extra)...)
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "demo.yaml"), text, 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "demo-data", "--out", "out/demo-input", "--accounts", "3", "--scale", "0.2",
		"--from", "2026-07-01", "--to", "2026-07-03")
	if res.code != 0 {
		t.Fatalf("demo-data exit %d: %s", res.code, res.stderr)
	}
	return dir
}

// listenAddr returns the address from the scheduler's "serving" log line.
func listenAddr(t *testing.T, line string) string {
	t.Helper()
	var rec struct {
		Addr string `json:"addr"`
	}
	if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Addr == "" {
		t.Fatalf("no addr in log line %q: %v", line, err)
	}
	return rec.Addr
}

func TestScheduleSIGTERMIdleExitsZero(t *testing.T) {
	dir := scheduleWorkspace(t, `
schedule:
  jobs:
    - name: nightly
      cron: "0 3 1 1 *"
  listen: 127.0.0.1:0
`)
	p := startCLI(t, dir, "schedule", "--config", "config/demo.yaml")
	seen := 0
	var serving string
	for serving == "" {
		line, ok := <-p.lines
		if !ok {
			t.Fatalf("schedule ended before serving:\n%s", p.stderr())
		}
		seen++
		if strings.Contains(line, "serving /metrics") {
			serving = line
		}
	}
	if p.waitLine("scheduler started", &seen, 30*time.Second) == 0 {
		t.Fatalf("scheduler did not start:\n%s", p.stderr())
	}
	resp, err := http.Get("http://" + listenAddr(t, serving) + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"job":"nightly"`) {
		t.Errorf("/healthz = %s %s, want 200 with the nightly job", resp.Status, body)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, 30*time.Second); code != 0 {
		t.Errorf("exit code = %d, want 0 after SIGTERM while idle\n%s", code, p.stderr())
	}
}

func TestScheduleSIGTERMCancelsRunExits130(t *testing.T) {
	dir := scheduleWorkspace(t, `
schedule:
  jobs:
    - name: nightly
      cron: "0 3 * * *"
      max_catchup: 1
  grace_period: 1ms
  listen: 127.0.0.1:0
`)
	// A succeeded run three days ago makes the scheduler catch up on start.
	last := time.Now().UTC().AddDate(0, 0, -4).Format(time.DateOnly)
	manifest := `{"run_id":"run-earlier","status":"succeeded","from":"` + last + `","to":"` + last + `"}`
	if err := os.MkdirAll(filepath.Join(dir, "out", "runs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "out", "runs", "run-earlier.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startCLI(t, dir, "schedule", "--config", "config/demo.yaml")
	seen := 0
	if p.waitLine(`"msg":"attempt started"`, &seen, time.Minute) == 0 {
		t.Fatalf("no catch-up run started:\n%s", p.stderr())
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := p.wait(t, time.Minute)
	if code != 130 {
		t.Errorf("exit code = %d, want 130 after cancelling a run\n%s", code, p.stderr())
	}
	logs := p.stderr()
	for _, want := range []string{"grace period over", `"status":"cancelled"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log has no %q", want)
		}
	}
	if n := countTempFiles(t, dir); n > 0 {
		t.Errorf("%d temporary files left after the cancelled run", n)
	}
	manifests, _ := filepath.Glob(filepath.Join(dir, "out", "runs", "*.json"))
	for _, f := range manifests {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(f) != "run-earlier.json" && strings.Contains(string(data), `"status": "succeeded"`) {
			t.Errorf("cancelled run left a succeeded manifest %s", f)
		}
	}
}

func TestRunWritesMetricsTextfileAndLineage(t *testing.T) {
	dir := scheduleWorkspace(t, `
observability:
  metrics_textfile: ../out/metrics/evidencepack.prom
  lineage:
    file: ../out/lineage.jsonl
`)
	if err := os.MkdirAll(filepath.Join(dir, "out", "metrics"), 0o755); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "run", "--config", "config/demo.yaml", "--date", "2026-07-02")
	if res.code != 0 {
		t.Fatalf("run exit %d\n%s", res.code, res.stderr)
	}
	prom, err := os.ReadFile(filepath.Join(dir, "out", "metrics", "evidencepack.prom"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`evidencepack_runs_total{job="run",status="succeeded"} 1`,
		`evidencepack_rows_total{job="run",source="product_events",stage="read"}`,
		`evidencepack_last_success_timestamp_seconds{job="run"}`,
	} {
		if !strings.Contains(string(prom), want) {
			t.Errorf("textfile has no %q", want)
		}
	}
	f, err := os.Open(filepath.Join(dir, "out", "lineage.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var types []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e struct {
			EventType string `json:"eventType"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("decode lineage line: %v", err)
		}
		types = append(types, e.EventType)
	}
	if strings.Join(types, ",") != "START,COMPLETE" {
		t.Errorf("lineage events = %v, want START, COMPLETE", types)
	}
}
