package main

import (
	"bytes"
	"strings"
	"testing"

	"evidencepack/jobs/run"
)

func TestPrintReplayStatuses(t *testing.T) {
	pack := func(path, status, disk, detail string) run.PackResult {
		return run.PackResult{PackFile: run.PackFile{Path: path}, Status: status, Disk: disk, Detail: detail}
	}
	cases := []struct {
		name   string
		report run.ReplayReport
		lines  []string
		match  bool
	}{
		{
			name:   "all match",
			report: run.ReplayReport{RunID: "run-aa", Packs: []run.PackResult{pack("/p/a.md", run.PackMatch, run.DiskUnchanged, "")}},
			lines: []string{
				"match           /p/a.md",
				"replay run-aa: 1 of 1 pack files rebuilt to the recorded bytes; on disk 0 changed, 0 missing, 0 replaced by later runs; 0 fact files changed, 0 missing",
			},
			match: true,
		},
		{
			name: "pack changed and gone",
			report: run.ReplayReport{RunID: "run-aa", Packs: []run.PackResult{
				pack("/p/a.md", run.PackMatch, run.DiskChanged, "sha256 on disk 111111111111, recorded 222222222222"),
				pack("/p/a.json", run.PackMatch, run.DiskMissing, "the file on disk is gone"),
			}},
			lines: []string{
				"changed on disk /p/a.md (rebuilt: match; sha256 on disk 111111111111, recorded 222222222222)",
				"missing         /p/a.json (rebuilt: match; the file on disk is gone)",
				"replay run-aa: 2 of 2 pack files rebuilt to the recorded bytes; on disk 1 changed, 1 missing, 0 replaced by later runs; 0 fact files changed, 0 missing",
			},
		},
		{
			name: "pack replaced by later run",
			report: run.ReplayReport{RunID: "run-aa", Packs: []run.PackResult{
				{PackFile: run.PackFile{Path: "/p/a.md"}, Status: run.PackMatch, Disk: run.DiskReplaced, ReplacedBy: "run-bb", Detail: "replaced by run run-bb"},
			}},
			lines: []string{
				"match           /p/a.md (replaced by run run-bb)",
				"replay run-aa: 1 of 1 pack files rebuilt to the recorded bytes; on disk 0 changed, 0 missing, 1 replaced by later runs; 0 fact files changed, 0 missing",
			},
			match: true,
		},
		{
			name: "fact changed and missing",
			report: run.ReplayReport{
				RunID:        "run-aa",
				ChangedFacts: []run.FactChange{{PartitionInfo: run.PartitionInfo{File: "/f/a.parquet", SHA256: "aaaa"}, DiskSHA256: "bbbb"}},
				MissingFacts: []run.PartitionInfo{{File: "/f/b.parquet", SHA256: "cccc"}},
				Packs:        []run.PackResult{pack("/p/a.md", run.PackDiffers, run.DiskUnchanged, "rebuilt sha256 dddd, recorded eeee")},
			},
			lines: []string{
				"fact changed  /f/a.parquet (sha256 on disk bbbb, recorded aaaa)",
				"fact missing  /f/b.parquet (recorded sha256 cccc)",
				"note: the rebuild left out the 2 changed or missing fact files, so packs rendered from them differ",
				"differs         /p/a.md (rebuilt sha256 dddd, recorded eeee)",
				"replay run-aa: 0 of 1 pack files rebuilt to the recorded bytes; on disk 0 changed, 0 missing, 0 replaced by later runs; 1 fact files changed, 1 missing",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			printReplay(&out, &c.report)
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if strings.Join(got, "\n") != strings.Join(c.lines, "\n") {
				t.Errorf("output:\n%s\nwant:\n%s", out.String(), strings.Join(c.lines, "\n"))
			}
			if c.report.Matches() != c.match {
				t.Errorf("Matches() = %v, want %v", c.report.Matches(), c.match)
			}
		})
	}
}
