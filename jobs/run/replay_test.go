package run

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"evidencepack/config"
	"evidencepack/jobs/demo"
)

// replayWorkspace generates demo inputs for three accounts next to a copy
// of the demo config, laid out as in the repository so that the config's
// relative paths resolve, and returns the config path.
func replayWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	input := filepath.Join(dir, "out", "demo-input")
	if _, err := demo.Generate(context.Background(), input, demo.Options{Accounts: 3}); err != nil {
		t.Fatalf("generate demo inputs: %v", err)
	}
	text, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// With three accounts the demo's fixed number of defective records is
	// a larger share of all records, so the reject budgets are raised.
	text = regexp.MustCompile(`max_reject_ratio: [0-9.]+`).ReplaceAll(text, []byte("max_reject_ratio: 0.5"))
	path := filepath.Join(dir, "config", "demo.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// buildBinary builds the evidencepack command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	binary := filepath.Join(t.TempDir(), "evidencepack")
	build := exec.Command("go", "build", "-o", binary, "evidencepack/cmd/evidencepack")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build evidencepack: %v\n%s", err, out)
	}
	return binary
}

type cliResult struct {
	stdout, stderr string
	code           int
}

func runBinary(t *testing.T, binary string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("start evidencepack: %v", err)
	}
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

func readManifestFile(t *testing.T, dir string) *Manifest {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("manifests in %s: %v (%v), want exactly one", dir, files, err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("decode %s: %v", files[0], err)
	}
	return &m
}

// changeOneCostRow rewrites the Parquet file at path with the effective
// cost of one attributed cost line raised by 100, through DuckDB.
func changeOneCostRow(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tmp := path + ".edited"
	query := `COPY (
		SELECT * REPLACE (CASE WHEN line_id = (
			SELECT min(line_id) FROM read_parquet($1) WHERE account_id <> 'unattributed')
		THEN CAST(effective_cost + 100 AS DECIMAL(38,18)) ELSE effective_cost END AS effective_cost)
		FROM read_parquet($1)
	) TO '` + strings.ReplaceAll(tmp, "'", "''") + `' (FORMAT parquet)`
	if _, err := db.Exec(query, path); err != nil {
		t.Fatalf("rewrite %s: %v", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// firstCostPartition returns a cost_lines partition that the run wrote.
func firstCostPartition(t *testing.T, m *Manifest) string {
	t.Helper()
	for _, p := range m.Partitions {
		if p.Table == "cost_lines" && p.File != "" && p.Rows > 0 {
			return p.File
		}
	}
	t.Fatal("run wrote no cost_lines partition")
	return ""
}

// firstPack returns the first pack file of the given format that the run
// wrote.
func firstPack(t *testing.T, m *Manifest, format string) string {
	t.Helper()
	for _, p := range m.Packs {
		if p.Format == format {
			return p.Path
		}
	}
	t.Fatalf("run wrote no %s pack", format)
	return ""
}

// restoreAfter puts the current bytes of path back when the test ends.
func restoreAfter(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Errorf("restore %s: %v", path, err)
		}
	})
}

func appendLine(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("# x\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func removeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// overwriteByte flips the byte at offset 100, inside the first column
// chunk of a Parquet file, so the file no longer decompresses.
func overwriteByte(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xff}, 100); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func countPrefixed(stdout, prefix string) int {
	n := 0
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}

func TestReplayOfDemoRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a demo window")
	}
	binary := buildBinary(t)
	config := replayWorkspace(t)
	res := runBinary(t, binary, "run", "--config", config, "--from", "2026-07-01", "--to", "2026-07-14")
	if res.code != 0 {
		t.Fatalf("run exit %d:\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	runsDir := filepath.Join(filepath.Dir(config), "..", "out", "runs")
	m := readManifestFile(t, runsDir)
	if len(m.Packs) == 0 || m.RenderInputs == nil || len(m.RenderInputs.Facts) == 0 {
		t.Fatalf("manifest has %d packs and render inputs %v, want both", len(m.Packs), m.RenderInputs)
	}
	md, jsonPack := firstPack(t, m, "md"), firstPack(t, m, "json")
	fact := firstCostPartition(t, m)

	cases := []struct {
		name   string
		target string
		change func(t *testing.T, path string)
		// lines are output lines that must appear, each as a prefix and a
		// text it contains; absent are texts that must not appear in stdout
		// or stderr.
		lines    [][2]string
		absent   []string
		wantCode int
		matches  int // lines starting with "match "
	}{
		{name: "all match", wantCode: 0, matches: len(m.Packs),
			absent: []string{"note:", "changed on disk", "fact changed", "fact missing"}},
		{name: "pack line appended", target: md, change: appendLine, wantCode: 1, matches: len(m.Packs) - 1,
			lines:  [][2]string{{"changed on disk " + md, "rebuilt: match; sha256 on disk"}, {"replay ", "on disk 1 changed, 0 missing"}},
			absent: []string{"fact changed", "fact missing"}},
		{name: "pack removed", target: jsonPack, change: removeFile, wantCode: 1, matches: len(m.Packs) - 1,
			lines:  [][2]string{{"missing         " + jsonPack, "rebuilt: match; the file on disk is gone"}, {"replay ", "on disk 0 changed, 1 missing"}},
			absent: []string{"fact changed", "fact missing"}},
		{name: "fact byte overwritten", target: fact, change: overwriteByte, wantCode: 1,
			lines:  [][2]string{{"fact changed  " + fact, "recorded " + factHash(m, fact)}, {"note:", "left out the 1 changed or missing fact files"}},
			absent: []string{"warehouse error", "ZSTD"}, matches: -1},
		{name: "fact rows changed", target: fact, change: changeOneCostRow, wantCode: 1,
			lines: [][2]string{{"fact changed  " + fact, ""}, {"differs ", ""}}, matches: -1},
		{name: "fact removed", target: fact, change: removeFile, wantCode: 1,
			lines: [][2]string{{"fact missing  " + fact, ""}, {"replay ", "0 fact files changed, 1 missing"}}, matches: -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.change != nil {
				restoreAfter(t, c.target)
				c.change(t, c.target)
			}
			res := runBinary(t, binary, "replay", "--config", config, "--run", m.RunID)
			if res.code != c.wantCode {
				t.Errorf("replay exit %d, want %d:\n%s\n%s", res.code, c.wantCode, res.stdout, res.stderr)
			}
			for _, want := range c.lines {
				if !hasLine(res.stdout, want[0], want[1]) {
					t.Errorf("no line starting %q and containing %q:\n%s", want[0], want[1], res.stdout)
				}
			}
			for _, text := range c.absent {
				if strings.Contains(res.stdout+res.stderr, text) {
					t.Errorf("output contains %q:\n%s\n%s", text, res.stdout, res.stderr)
				}
			}
			if c.matches >= 0 {
				if got := countPrefixed(res.stdout, "match "); got != c.matches {
					t.Errorf("%d match lines, want %d:\n%s", got, c.matches, res.stdout)
				}
			}
			if c.wantCode == 1 && !strings.Contains(res.stderr, "replay does not match") {
				t.Errorf("stderr %q, want the mismatch error", res.stderr)
			}
		})
	}

	t.Run("unknown run", func(t *testing.T) {
		res := runBinary(t, binary, "replay", "--config", config, "--run", "run-0123456789abcdef0123")
		if res.code != 4 || !strings.Contains(res.stderr, "not found") {
			t.Errorf("replay of an unknown run: exit %d, stderr %q; want 4 and not found", res.code, res.stderr)
		}
	})

	t.Run("packs replaced by later run", func(t *testing.T) {
		res := runBinary(t, binary, "run", "--config", config, "--from", "2026-07-15", "--to", "2026-07-28")
		if res.code != 0 {
			t.Fatalf("second run exit %d:\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		res = runBinary(t, binary, "replay", "--config", config, "--run", m.RunID)
		if n := strings.Count(res.stdout, "(replaced by run run-"); n != len(m.Packs) {
			t.Errorf("%d pack lines say replaced by a later run, want %d:\n%s", n, len(m.Packs), res.stdout)
		}
		for _, text := range []string{"changed on disk ", "missing "} {
			if countPrefixed(res.stdout, text) > 0 {
				t.Errorf("a pack line starts with %q after a later run:\n%s", text, res.stdout)
			}
		}
	})
}

// hasLine reports whether a line of out starts with prefix and contains
// text.
func hasLine(out, prefix, text string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, prefix) && strings.Contains(line, text) {
			return true
		}
	}
	return false
}

// factHash returns the SHA-256 that the run recorded for a fact file.
func factHash(m *Manifest, file string) string {
	for _, p := range m.RenderInputs.Facts {
		if p.File == file {
			return p.SHA256
		}
	}
	return "not recorded"
}

func TestReadRunManifestRejects(t *testing.T) {
	dir := t.TempDir()
	cfg := &config.Config{Dir: dir, OutputDir: "out"}
	cases := []struct {
		name, runID, manifest, want string
		file                        string // manifest file name; default RUN_ID.json
	}{
		{name: "bad id", runID: "../etc", want: "invalid run id"},
		{name: "unknown", runID: "run-00ff", want: "not found"},
		{name: "failed run", runID: "run-01", manifest: `{"run_id": "run-01", "status": "failed", "failed_step": "load"}`,
			want: "has status failed"},
		{name: "failed run named after its start", runID: "run-03",
			manifest: `{"run_id": "run-03", "status": "failed", "failed_step": "load"}`,
			file:     "run-03-failed-20260702T010000Z.json", want: "run run-03 did not succeed"},
		{name: "old manifest", runID: "run-02",
			manifest: `{"run_id": "run-02", "status": "succeeded", "packs": ["/x/2026-Q3/a.yaml"]}`,
			want:     "recorded no render inputs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.manifest != "" {
				file := c.file
				if file == "" {
					file = c.runID + ".json"
				}
				path := filepath.Join(dir, "out", "runs", file)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(c.manifest), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := readRunManifest(cfg, c.runID)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("readRunManifest(%s): %v, want an error containing %q", c.runID, err, c.want)
			}
		})
	}
}
