package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func lookupFrom(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

func TestLoadValid(t *testing.T) {
	cfg, err := Load("testdata/valid.yaml", lookupFrom(map[string]string{"EP_TEST_OUT": "/tmp/ep-out"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.OutputDir != "/tmp/ep-out" {
		t.Errorf("output_dir = %q, want the expanded /tmp/ep-out", cfg.OutputDir)
	}
	if got := len(cfg.Accounts); got != 2 {
		t.Fatalf("accounts = %d, want 2 (one inline, one from accounts.csv)", got)
	}
	g, ok := cfg.Account("globex")
	if !ok || len(g.Workflows) != 2 || !g.Workflows[1].Trial {
		t.Errorf("globex from CSV = %+v, want two workflows with the second in trial", g)
	}
	if cfg.Pack.VerificationWindowDays != 7 || cfg.Pack.Period != "quarter" {
		t.Errorf("pack defaults = %+v, want period quarter and a 7-day window", cfg.Pack)
	}
	if *cfg.Sources[0].MaxRejectRatio != DefaultMaxRejectRatio {
		t.Errorf("max_reject_ratio = %v, want default %v", *cfg.Sources[0].MaxRejectRatio, DefaultMaxRejectRatio)
	}
	wantDir, _ := filepath.Abs("testdata")
	if cfg.Resolve("costs") != filepath.Join(wantDir, "costs") {
		t.Errorf("Resolve(costs) = %q, want it under %q", cfg.Resolve("costs"), wantDir)
	}
}

// base is a valid config that each case edits by replacing one line.
const base = `time_zone: UTC
warehouse:
  kind: duckdb
sources:
  - name: bill
    kind: costs
    format: focus
    paths: [costs/*.csv]
    max_reject_ratio: 0.1
pack:
  period: quarter
`

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		old     string
		new     string
		env     map[string]string
		wantMsg []string
	}{
		{name: "unknown key", old: "  kind: duckdb", new: "  kind: duckdb\n  pth: x.db",
			wantMsg: []string{":4:", "pth", "unknown key"}},
		{name: "bad kind", old: "    kind: costs", new: "    kind: money",
			wantMsg: []string{":6:", "sources[0].kind", `"money"`}},
		{name: "format cannot produce kind", old: "    format: focus", new: "    format: segment",
			wantMsg: []string{":7:", "sources[0].format", "cannot produce kind costs"}},
		{name: "bad time zone", old: "time_zone: UTC", new: "time_zone: Mars/Olympus",
			wantMsg: []string{":1:", "time_zone", "Mars/Olympus"}},
		{name: "ratio out of range", old: "max_reject_ratio: 0.1", new: "max_reject_ratio: 1.5",
			wantMsg: []string{":9:", "max_reject_ratio", "1.5"}},
		{name: "wrong type", old: "max_reject_ratio: 0.1", new: "max_reject_ratio: lots",
			wantMsg: []string{":9:", "lots"}},
		{name: "unset variable", old: "time_zone: UTC", new: "time_zone: ${EP_UNSET_ZONE}",
			wantMsg: []string{":1:", "EP_UNSET_ZONE", "not set"}},
		{name: "empty variable", old: "time_zone: UTC", new: "time_zone: ${EP_EMPTY_ZONE}",
			env: map[string]string{"EP_EMPTY_ZONE": ""}, wantMsg: []string{":1:", "EP_EMPTY_ZONE", "set but empty"}},
		{name: "bad warehouse", old: "  kind: duckdb", new: "  kind: snowflake",
			wantMsg: []string{":3:", "warehouse.kind", "snowflake"}},
		{name: "bad period", old: "  period: quarter", new: "  period: week",
			wantMsg: []string{":11:", "pack.period", "week"}},
		{name: "missing bigquery dataset", old: "  kind: duckdb", new: "  kind: bigquery\n  project: p",
			wantMsg: []string{"warehouse.dataset", "required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(base, tt.old, tt.new, 1)
			if text == base {
				t.Fatalf("case does not change the config: %q not found", tt.old)
			}
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path, lookupFrom(tt.env))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			for _, want := range tt.wantMsg {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestLoadBaseIsValid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, lookupFrom(nil)); err != nil {
		t.Fatalf("Load(base) = %v, want no error", err)
	}
}

func TestAccountsFileBadNumber(t *testing.T) {
	text := strings.Replace(base, "warehouse:", "accounts_file: "+filepath.Join(mustAbs(t, "testdata"), "accounts_bad.csv")+"\nwarehouse:", 1)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, lookupFrom(nil))
	if err == nil {
		t.Fatal("Load succeeded, want an error for a bad accounts row")
	}
	for _, want := range []string{"accounts_bad.csv:2:", "baseline_handle_time_seconds", "nine hundred"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestAccountsFileMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "acounts.csv")
	text := strings.Replace(base, "warehouse:", "accounts_file: "+missing+"\nwarehouse:", 1)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, lookupFrom(nil))
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Load = %v, want an invalid config error", err)
	}
	for _, want := range []string{"accounts_file", missing} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), lookupFrom(nil))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("Load(missing) = %v, want an error naming the file", err)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func TestLoadErrorHidesVariableValue(t *testing.T) {
	text := strings.Replace(base, "time_zone: UTC", "time_zone: ${EP_SECRET_ZONE}", 1)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	secret := "s3cr3t-token-value"
	_, err := Load(path, lookupFrom(map[string]string{"EP_SECRET_ZONE": secret}))
	if err == nil {
		t.Fatal("Load succeeded with an invalid time zone")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error %q shows the variable's value", err)
	}
	if !strings.Contains(err.Error(), "${EP_SECRET_ZONE}") {
		t.Errorf("error %q does not name the variable", err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %v does not wrap ErrInvalid", err)
	}
}
