package run

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"evidencepack/config"
	"evidencepack/jobs/demo"
)

// demoConfig generates demo inputs for three accounts and loads a copy of the
// demo config laid out as in the repository, so its relative paths hold.
func demoConfig(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	// Three accounts keep each run of these tests short.
	_, err := demo.Generate(context.Background(), filepath.Join(dir, "out", "demo-input"), demo.Options{Accounts: 3})
	if err != nil {
		t.Fatalf("generate demo inputs: %v", err)
	}
	text, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config", "demo.yaml")
	// With three accounts the demo's fixed number of defective records is a
	// larger share, so the reject budgets are raised.
	text = regexp.MustCompile(`max_reject_ratio: [0-9.]+`).ReplaceAll(text, []byte("max_reject_ratio: 0.5"))
	writeText(t, path, string(text))
	cfg, err := config.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("load demo config: %v", err)
	}
	return cfg
}

func TestRepeatedRunsGiveSameOutputs(t *testing.T) {
	cfg := demoConfig(t)
	first := runWindow(t, cfg, "2026-07-01", "2026-07-14")
	want := snapshotState(t, cfg)
	if len(want.rows) == 0 || len(want.facts) == 0 || len(want.packs) == 0 {
		t.Fatalf("first run left %d partitions, %d Parquet files, %d packs; want some of each",
			len(want.rows), len(want.facts), len(want.packs))
	}
	for i := 2; i <= 5; i++ {
		m := runWindow(t, cfg, "2026-07-01", "2026-07-14")
		if m.RunID != first.RunID {
			t.Errorf("run %d id = %s, want %s as in the first run", i, m.RunID, first.RunID)
		}
	}
	compareStates(t, want, snapshotState(t, cfg))
	checkNoTempFiles(t, cfg.Resolve(cfg.OutputDir))
}

func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if isTempName(d.Name()) {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
}

func TestSweepRemovesStaleTempFiles(t *testing.T) {
	cfg := demoConfig(t)
	out := cfg.Resolve(cfg.OutputDir)
	stale := []string{
		filepath.Join(out, "facts", "cost_lines", "dt=2026-07-02", ".tmp-part-cloud_bill.parquet-123"),
		filepath.Join(out, "runs", ".tmp-run-abc.json-456"),
		filepath.Join(out, "packs", "2026-Q3", ".acme.json.tmp-789"),
	}
	for _, p := range stale {
		writeText(t, p, "partial")
	}
	runWindow(t, cfg, "2026-07-01", "2026-07-02")
	for _, p := range stale {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("stale file %s still there after a run (stat error %v)", p, err)
		}
	}
}
