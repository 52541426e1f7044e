package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"evidencepack/jobs/run"
)

func TestUsageErrorsExitTwo(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"run without config", []string{"run"}, `required flag(s) "config" not set`},
		{"reconcile without period", []string{"reconcile", "--config", "c.yaml"}, `required flag(s) "period" not set`},
		{"render without period", []string{"render", "--config", "c.yaml"}, `required flag(s) "period" not set`},
		{"unknown log level on run", []string{"run", "--config", "c.yaml", "--log-level", "loud"}, `invalid --log-level "loud"`},
		{"unknown log level on validate", []string{"validate", "--config", "c.yaml", "--log-level", "loud"}, `invalid --log-level "loud"`},
		{"unknown log level on runs", []string{"--log-level", "loud", "runs", "--config", "c.yaml"}, `invalid --log-level "loud"`},
		{"flag without value", []string{"run", "--config", "c.yaml", "--date"}, "flag needs an argument: --date"},
		{"unknown flag", []string{"validate", "--config", "c.yaml", "--limit", "3"}, "unknown flag: --limit"},
		{"flag of wrong type", []string{"runs", "--config", "c.yaml", "--limit", "many"}, `invalid argument "many"`},
		{"extra argument", []string{"run", "--config", "c.yaml", "extra"}, `unknown command "extra"`},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			res := runCLI(t, dir, tt.args...)
			if res.code != exitUsage {
				t.Errorf("exit code = %d, want %d\nstderr: %s", res.code, exitUsage, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantErr, res.stderr)
			}
			if !strings.Contains(res.stderr, "--help' for usage") {
				t.Errorf("stderr does not point to --help:\n%s", res.stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("a usage error created %d entries in the working directory", len(entries))
			}
		})
	}
}

// TestValidateRejectsWhatRunRejects runs validate and run on the same
// config and expects the same exit code, with nothing written by validate.
func TestValidateRejectsWhatRunRejects(t *testing.T) {
	source := "sources:\n  - name: events\n    kind: usage\n    format: jsonl\n    paths: [events.jsonl]\n"
	tests := []struct {
		name     string
		config   string
		env      []string
		wantCode int
		wantErr  string
	}{
		{name: "hmac key unset", config: source + "pseudonymize:\n  user_ids: true\n",
			env: []string{"EVIDENCEPACK_HMAC_KEY="}, wantCode: exitConfig,
			wantErr: "environment variable EVIDENCEPACK_HMAC_KEY is not set"},
		{name: "hmac key short", config: source + "pseudonymize:\n  user_ids: true\n",
			env: []string{"EVIDENCEPACK_HMAC_KEY=short-key-Zq81"}, wantCode: exitConfig,
			wantErr: "key of 14 bytes, need at least 32"},
		{name: "output dir under a file", config: source + "output_dir: file/out\n",
			wantCode: exitFailure, wantErr: "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, command := range []string{"validate", "run"} {
				res := runCLIEnv(t, dir, tt.env, command, "--config", "c.yaml", "--date", "2026-07-01")
				if res.code != tt.wantCode {
					t.Errorf("%s: exit code = %d, want %d\nstderr: %s", command, res.code, tt.wantCode, res.stderr)
				}
				if !strings.Contains(res.stderr, tt.wantErr) {
					t.Errorf("%s: stderr does not contain %q:\n%s", command, tt.wantErr, res.stderr)
				}
				if command == "validate" && strings.Contains(res.stdout, "valid") {
					t.Errorf("validate printed %q for a config that run rejects", res.stdout)
				}
				if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
					t.Errorf("%s created the output directory", command)
				}
			}
		})
	}
}

func TestSIGTERMRecordsCancelledRun(t *testing.T) {
	dir := demoWorkspace(t)
	p := startCLI(t, dir, "run", "--config", "config/demo.yaml", "--log-level", "debug",
		"--from", "2026-07-01", "--to", "2026-09-30")
	seen := 0
	if p.waitLine(`"step":"write"`, &seen, 2*time.Minute) == 0 {
		t.Fatalf("the run never reached the write step:\n%s", p.stderr())
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, 2*time.Minute); code != exitCancelled {
		t.Errorf("exit code = %d, want %d\n%s", code, exitCancelled, p.stderr())
	}

	manifests, _ := filepath.Glob(filepath.Join(dir, "out", "runs", "*-cancelled-*.json"))
	if len(manifests) != 1 {
		t.Fatalf("found %d cancelled manifests, want 1", len(manifests))
	}
	data, err := os.ReadFile(manifests[0])
	if err != nil {
		t.Fatal(err)
	}
	var m run.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Status != run.StatusCancelled {
		t.Errorf("manifest status = %s, want %s", m.Status, run.StatusCancelled)
	}
	if m.FailedStep == "" {
		t.Error("manifest names no step")
	}

	res := runCLI(t, dir, "runs", "--config", "config/demo.yaml")
	if res.code != 0 {
		t.Fatalf("runs exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stdout, run.StatusCancelled) {
		t.Errorf("runs output has no cancelled run:\n%s", res.stdout)
	}
	for _, class := range []string{run.ErrInput.Error(), run.ErrOutput.Error(), run.ErrWarehouse.Error(), "failed"} {
		if strings.Contains(res.stdout, class) {
			t.Errorf("runs output contains %q:\n%s", class, res.stdout)
		}
	}
}

func TestFailedPublishCountsNoPacks(t *testing.T) {
	dir := demoWorkspace(t)
	args := []string{"run", "--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-07-07"}
	if res := runCLI(t, dir, args...); res.code != 0 {
		t.Fatalf("first run exit %d: %s", res.code, res.stderr)
	}
	period := filepath.Join(dir, "out", "packs", "2026-Q3")
	if out, err := exec.Command("chattr", "+i", period).CombinedOutput(); err != nil {
		t.Skipf("chattr +i %s: %v: %s", period, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", period).Run() })

	res := runCLI(t, dir, args...)
	if res.code != exitFailure {
		t.Errorf("exit code = %d, want %d\nstderr: %s", res.code, exitFailure, res.stderr)
	}
	if !strings.Contains(res.stdout, "packs written: 0 (0 files)") {
		t.Errorf("summary counts packs that were not published:\n%s", res.stdout)
	}
	if !strings.Contains(res.stdout, "failed at step render") || !strings.Contains(res.stdout, period) {
		t.Errorf("summary does not name the render step and %s:\n%s", period, res.stdout)
	}
}
