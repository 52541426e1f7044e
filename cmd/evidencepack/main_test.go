package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"evidencepack/jobs/run"
)

// binary is the evidencepack executable built once for the tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "evidencepack-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "evidencepack")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build evidencepack:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func runCLI(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), binary, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("start evidencepack: %v", err)
	}
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

// demoWorkspace generates demo inputs and a copy of the demo config in a
// temporary directory laid out like the repository.
func demoWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "demo.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "demo-data", "--out", "out/demo-input")
	if res.code != 0 {
		t.Fatalf("demo-data exit %d: %s", res.code, res.stderr)
	}
	return dir
}

func TestDemoRunEndToEnd(t *testing.T) {
	dir := demoWorkspace(t)
	res := runCLI(t, dir, "run", "--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-09-30")
	if res.code != 0 {
		t.Fatalf("run exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"succeeded", "product_events", "review_queue", "cloud_bill", "pagerduty", "packs written"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("summary does not mention %q:\n%s", want, res.stdout)
		}
	}
	m := latestManifest(t, filepath.Join(dir, "out", "runs"))
	checkAccounting(t, m)
	checkWarehouse(t, filepath.Join(dir, "out", "warehouse.duckdb"), m)
	checkPacks(t, filepath.Join(dir, "out", "packs", "2026-Q3"))
	matches, _ := filepath.Glob(filepath.Join(dir, "out", "facts", "*", "dt=2026-0[789]-*", "*.parquet"))
	if len(matches) < 4*28 {
		t.Errorf("found %d parquet partitions, want daily partitions for each fact table", len(matches))
	}
}

func latestManifest(t *testing.T, dir string) *run.Manifest {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("manifests in %s = %v, want exactly one", dir, files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var m run.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("decode manifest: %v", err)
	}
	return &m
}

// checkAccounting asserts that every record read is a fact, a quarantined
// row, a removed duplicate or outside the window, and that the demo's
// deliberate defects show up.
func checkAccounting(t *testing.T, m *run.Manifest) {
	t.Helper()
	if m.Status != run.StatusSucceeded {
		t.Fatalf("manifest status = %s (%s)", m.Status, m.Error)
	}
	for name, s := range m.Sources {
		if s.Records != s.Facts+s.Rejected+s.Duplicates+s.OutOfWindow+s.NotAllowed {
			t.Errorf("source %s: %d read != %d facts + %d quarantined + %d duplicates + %d outside",
				name, s.Records, s.Facts, s.Rejected, s.Duplicates, s.OutOfWindow)
		}
		if s.Facts == 0 {
			t.Errorf("source %s loaded no facts", name)
		}
	}
	if m.Sources["product_events"].Rejected == 0 {
		t.Error("product_events quarantined nothing; the demo has malformed events")
	}
	if m.Sources["review_queue"].Duplicates == 0 {
		t.Error("review_queue removed no duplicates; the demo repeats label tasks")
	}
	if len(m.Inputs) == 0 || m.Inputs[0].SHA256 == "" {
		t.Error("manifest lists no input files with hashes")
	}
}

func checkWarehouse(t *testing.T, path string, m *run.Manifest) {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables := map[string]string{
		"usage_events": "product_events", "review_labels": "review_queue",
		"cost_lines": "cloud_bill", "incidents": "pagerduty",
	}
	for table, source := range tables {
		var n int64
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		if n != m.Sources[source].Facts {
			t.Errorf("%s holds %d rows, manifest says %d facts", table, n, m.Sources[source].Facts)
		}
	}
	var accounts int
	if err := db.QueryRow("SELECT count(*) FROM accounts").Scan(&accounts); err != nil || accounts < 20 {
		t.Errorf("accounts = %d (%v), want about 25", accounts, err)
	}
	var runs int
	if err := db.QueryRow("SELECT count(*) FROM runs WHERE status = 'succeeded'").Scan(&runs); err != nil || runs != 1 {
		t.Errorf("succeeded runs = %d (%v), want 1", runs, err)
	}
}

func checkPacks(t *testing.T, dir string) {
	t.Helper()
	for _, ext := range []string{"yaml", "json", "md"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*."+ext))
		if len(files) < 20 {
			t.Errorf("%d .%s packs in %s, want one per account", len(files), ext, dir)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		return
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var pack map[string]any
	if err := json.Unmarshal(data, &pack); err != nil {
		t.Fatalf("decode %s: %v", files[0], err)
	}
	for _, section := range []string{"account", "account_id", "period", "provisional", "work_performed",
		"value", "quality", "adoption", "cost", "trust", "expansion_candidates", "feedback_incorporated", "provenance"} {
		if _, ok := pack[section]; !ok {
			t.Errorf("pack %s has no %s section", filepath.Base(files[0]), section)
		}
	}
}

func TestBadInputExitCodes(t *testing.T) {
	dir := demoWorkspace(t)
	write := func(name, text string) string {
		p := filepath.Join(dir, "config", name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	demo, _ := os.ReadFile(filepath.Join(dir, "config", "demo.yaml"))
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string
	}{
		{name: "missing config", args: []string{"run", "--config", "config/nope.yaml", "--date", "2026-07-01"},
			wantCode: exitConfig, wantErr: []string{"nope.yaml"}},
		{name: "unknown key", args: []string{"validate", "--config",
			write("unknown.yaml", strings.Replace(string(demo), "lookback_days: 0", "lookback_days: 0\nlookback_weeks: 1", 1))},
			wantCode: exitConfig, wantErr: []string{"unknown.yaml:6:", "lookback_weeks", "unknown key"}},
		{name: "unknown format", args: []string{"validate", "--config",
			write("format.yaml", strings.Replace(string(demo), "format: pagerduty", "format: opsgenie", 1))},
			wantCode: exitConfig, wantErr: []string{"format", "opsgenie"}},
		{name: "missing input", args: []string{"run", "--config",
			write("missing.yaml", strings.Replace(string(demo), "incidents/*.json", "incidents/none-*.json", 1)),
			"--date", "2026-07-01"},
			wantCode: exitInput, wantErr: []string{"pagerduty", "no input file matches", "none-*.json"}},
		{name: "unknown command", args: []string{"frobnicate"},
			wantCode: exitUsage, wantErr: []string{"unknown command"}},
		{name: "bad date", args: []string{"run", "--config", "config/demo.yaml", "--date", "July 1"},
			wantCode: exitUsage, wantErr: []string{"--date", "YYYY-MM-DD"}},
		{name: "bad run id", args: []string{"replay", "--config", "config/demo.yaml", "--run", "run-doesnotexist"},
			wantCode: exitUsage, wantErr: []string{"invalid --run", "run-doesnotexist"}},
		{name: "budget", args: []string{"run", "--config",
			write("budget.yaml", strings.Replace(string(demo), "max_reject_ratio: 0.01", "max_reject_ratio: 0", 1)),
			"--from", "2026-07-01", "--to", "2026-07-31"},
			wantCode: exitBudget, wantErr: []string{"product_events", "max_reject_ratio", "quarantine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCLI(t, dir, tt.args...)
			if res.code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstderr: %s", res.code, tt.wantCode, res.stderr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, res.stderr)
				}
			}
			if strings.Contains(res.stderr, "panic") {
				t.Errorf("stderr shows a panic:\n%s", res.stderr)
			}
		})
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, cmd := range []string{"", "run", "validate", "render", "runs", "demo-data"} {
		t.Run("help "+cmd, func(t *testing.T) {
			args := strings.Fields(cmd + " --help")
			res := runCLI(t, t.TempDir(), args...)
			if res.code != 0 || !strings.Contains(res.stdout, "Usage:") {
				t.Errorf("%v: exit %d, stdout:\n%s", args, res.code, res.stdout)
			}
		})
	}
}
