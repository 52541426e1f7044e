package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
)

func hashOf(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

func writeTestManifest(t *testing.T, dir string, m *Manifest) {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, m.RunID+".json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckPacksOnDisk(t *testing.T) {
	const recorded = "pack of run-aa\n"
	cases := []struct {
		name string
		// disk is the content of the pack file on disk; gone removes it.
		disk string
		gone bool
		// later is the content a later run recorded for the same path;
		// laterOther puts the later run's pack beside it in the same period.
		later, laterOther string
		laterStatus       string
		wantDisk          string
		wantReplacedBy    string
		wantDetail        string
	}{
		{name: "unchanged", disk: recorded, wantDisk: DiskUnchanged},
		{name: "line appended", disk: recorded + "# x\n", wantDisk: DiskChanged, wantDetail: "sha256 on disk " + hashOf(recorded + "# x\n")[:12]},
		{name: "file removed", gone: true, wantDisk: DiskMissing, wantDetail: "the file on disk is gone"},
		{name: "rewritten by later run", disk: "pack of run-bb\n", later: "pack of run-bb\n", laterStatus: StatusSucceeded,
			wantDisk: DiskReplaced, wantReplacedBy: "run-bb", wantDetail: "replaced by run run-bb"},
		{name: "changed after later run", disk: "edited\n", later: "pack of run-bb\n", laterStatus: StatusSucceeded,
			wantDisk: DiskChanged, wantReplacedBy: "run-bb", wantDetail: "by run run-bb, the newest run that wrote it"},
		{name: "later run failed", disk: "pack of run-bb\n", later: "pack of run-bb\n", laterStatus: StatusFailed,
			wantDisk: DiskChanged},
		{name: "period replaced without it", gone: true, laterOther: "other pack\n", laterStatus: StatusSucceeded,
			wantDisk: DiskReplaced, wantReplacedBy: "run-bb", wantDetail: "removed when run run-bb replaced"},
		{name: "removed after later run", gone: true, later: "pack of run-bb\n", laterStatus: StatusSucceeded,
			wantDisk: DiskMissing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := &config.Config{Dir: dir, OutputDir: "out"}
			runs := filepath.Join(dir, "out", "runs")
			period := filepath.Join(dir, "out", "packs", "2026-Q3")
			for _, d := range []string{runs, period} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(period, "acme.md")
			if !c.gone {
				if err := os.WriteFile(path, []byte(c.disk), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Date(2026, 7, 15, 1, 0, 0, 0, time.UTC)
			m := &Manifest{RunID: "run-aa", Status: StatusSucceeded, FinishedAt: start,
				Packs: []PackFile{{Path: path, AccountID: "acme", Period: "2026-Q3", Format: "md", SHA256: hashOf(recorded)}}}
			writeTestManifest(t, runs, m)
			if c.laterStatus != "" {
				later := &Manifest{RunID: "run-bb", Status: c.laterStatus, FinishedAt: start.Add(24 * time.Hour)}
				if c.later != "" {
					later.Packs = append(later.Packs, PackFile{Path: path, SHA256: hashOf(c.later)})
				}
				if c.laterOther != "" {
					later.Packs = append(later.Packs, PackFile{Path: filepath.Join(period, "other.md"), SHA256: hashOf(c.laterOther)})
				}
				writeTestManifest(t, runs, later)
			}
			results := []PackResult{{PackFile: m.Packs[0], Status: PackMatch}}
			if err := checkPacksOnDisk(context.Background(), cfg, m, results); err != nil {
				t.Fatalf("checkPacksOnDisk: %v", err)
			}
			got := results[0]
			if got.Disk != c.wantDisk {
				t.Errorf("disk state %q, want %q (detail %q)", got.Disk, c.wantDisk, got.Detail)
			}
			if got.ReplacedBy != c.wantReplacedBy {
				t.Errorf("replaced by %q, want %q", got.ReplacedBy, c.wantReplacedBy)
			}
			if !strings.Contains(got.Detail, c.wantDetail) {
				t.Errorf("detail %q, want it to contain %q", got.Detail, c.wantDetail)
			}
			report := &ReplayReport{Packs: results}
			wantMatch := c.wantDisk == DiskUnchanged || c.wantDisk == DiskReplaced
			if report.Matches() != wantMatch {
				t.Errorf("Matches() = %v, want %v", report.Matches(), wantMatch)
			}
		})
	}
}
