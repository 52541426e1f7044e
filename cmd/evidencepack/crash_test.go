package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash test starts from a complete run of stateWindow and kills runs
// of killWindow.
var (
	stateWindow = []string{"--from", "2026-07-01", "--to", "2026-07-10"}
	killWindow  = []string{"--from", "2026-07-01", "--to", "2026-07-20"}
	factTables  = []string{"usage_events", "review_labels", "cost_lines", "incidents"}
)

// smallWorkspace is demoWorkspace with two accounts, which keeps the render
// step short, and reject budgets raised to fit the larger share of the
// demo's defective records.
func smallWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	text, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text = regexp.MustCompile(`max_reject_ratio: [0-9.]+`).ReplaceAll(text, []byte("max_reject_ratio: 0.5"))
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "demo.yaml"), text, 0o644); err != nil {
		t.Fatal(err)
	}
	if res := runCLI(t, dir, "demo-data", "--out", "out/demo-input", "--accounts", "2"); res.code != 0 {
		t.Fatalf("demo-data exit %d: %s", res.code, res.stderr)
	}
	return dir
}

func runWindow(t *testing.T, dir string, window []string) {
	t.Helper()
	args := append([]string{"run", "--config", "config/demo.yaml"}, window...)
	if res := runCLI(t, dir, args...); res.code != 0 {
		t.Fatalf("%v: exit %d\nstderr:\n%s", args, res.code, res.stderr)
	}
}

// cloneWorkspace copies the outputs of src into a new workspace and links
// its demo inputs, which runs only read.
func cloneWorkspace(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	inputs := filepath.Join("out", "demo-input")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		switch {
		case rel == inputs:
			return errSkipWithLink(path, target)
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy workspace: %v", err)
	}
	return dst
}

func errSkipWithLink(path, target string) error {
	if err := os.Symlink(path, target); err != nil {
		return err
	}
	return filepath.SkipDir
}

// workspaceState is what must match between a recovered run and an
// uninterrupted one.
type workspaceState struct {
	rows   map[string]int64  // "table/dt/source" -> warehouse rows
	totals map[string]string // "currency" -> sum of billed_cost
	facts  map[string]string // Parquet file -> SHA-256
	packs  map[string]string // pack file -> SHA-256
}

func readState(t *testing.T, dir string) workspaceState {
	t.Helper()
	out := filepath.Join(dir, "out")
	st := workspaceState{
		rows:  warehouseRows(t, filepath.Join(out, "warehouse.duckdb")),
		facts: hashFiles(t, filepath.Join(out, "facts")),
		packs: hashFiles(t, filepath.Join(out, "packs")),
	}
	db := openDuckDB(t, filepath.Join(out, "warehouse.duckdb"))
	defer db.Close()
	st.totals = queryPairs(t, db, `SELECT currency, CAST(sum(billed_cost) AS VARCHAR) FROM cost_lines GROUP BY ALL`)
	return st
}

func openDuckDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return db
}

// warehouseRows opens the warehouse read-write, as the next run would,
// and counts the rows of each fact table per date and source.
func warehouseRows(t *testing.T, path string) map[string]int64 {
	t.Helper()
	db := openDuckDB(t, path)
	defer db.Close()
	out := map[string]int64{}
	for _, table := range factTables {
		q := fmt.Sprintf(`SELECT '%s/' || CAST(dt AS VARCHAR) || '/' || source, CAST(count(*) AS VARCHAR)
			FROM %s GROUP BY ALL`, table, table)
		for k, v := range queryPairs(t, db, q) {
			var n int64
			fmt.Sscan(v, &n)
			out[k] = n
		}
	}
	return out
}

func queryPairs(t *testing.T, db *sql.DB, query string) map[string]string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("query warehouse: %v\n%s", err, query)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// hashFiles returns the SHA-256 of every regular file under root by
// relative path, skipping symbolic links such as the linked demo inputs.
func hashFiles(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		rel, _ := filepath.Rel(root, path)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatalf("hash %s: %v", root, err)
	}
	return out
}

func sameMap[V comparable](a, b map[string]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// diffMap reports up to five keys whose values differ.
func diffMap[V comparable](t *testing.T, what string, want, got map[string]V) {
	t.Helper()
	n := 0
	for k, w := range want {
		if g, ok := got[k]; (!ok || g != w) && n < 5 {
			t.Errorf("%s %s: got %v (present %v), want %v", what, k, got[k], ok, w)
			n++
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && n < 5 {
			t.Errorf("%s %s: got %v, want no entry", what, k, g)
			n++
		}
	}
	if len(want) != len(got) {
		t.Errorf("%s: %d entries, want %d", what, len(got), len(want))
	}
}

// killPoint is where a run is killed: after its Nth stderr line, or after
// a delay when line is 0.
type killPoint struct {
	line  int
	delay time.Duration
}

func (k killPoint) String() string {
	if k.line > 0 {
		return fmt.Sprintf("after log line %d", k.line)
	}
	return fmt.Sprintf("after %s", k.delay.Round(time.Millisecond))
}

// killPoints spreads ten points over the log lines of a complete run and
// five over its duration, where the render step logs few lines.
func killPoints(lines int, duration time.Duration) []killPoint {
	var out []killPoint
	for i := range 10 {
		out = append(out, killPoint{line: 1 + i*(lines-1)/9})
	}
	for i := 1; i <= 5; i++ {
		out = append(out, killPoint{delay: duration * time.Duration(i) / 6})
	}
	return out
}

// timedRun runs killWindow with debug logs and returns its stderr line
// count and duration.
func timedRun(t *testing.T, dir string) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	args := append([]string{"run", "--config", "config/demo.yaml", "--log-level", "debug"}, killWindow...)
	res := runCLI(t, dir, args...)
	if res.code != 0 {
		t.Fatalf("reference run exit %d:\n%s", res.code, res.stderr)
	}
	return strings.Count(res.stderr, "\n"), time.Since(start)
}

// killRun starts a run of killWindow and sends it SIGKILL at point. It
// returns the last log line the run wrote.
func killRun(t *testing.T, dir string, point killPoint) string {
	t.Helper()
	args := append([]string{"run", "--config", "config/demo.yaml", "--log-level", "debug"}, killWindow...)
	p := startCLI(t, dir, args...)
	seen := 0
	if point.line > 0 {
		for seen < point.line {
			if p.waitLine("", &seen, 2*time.Minute) == 0 {
				break
			}
		}
	} else {
		time.Sleep(point.delay)
	}
	_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
	p.wait(t, time.Minute)
	lines := strings.Split(strings.TrimSpace(p.stderr()), "\n")
	return lines[len(lines)-1]
}

// checkReadable asserts that every Parquet file opens and reads with
// DuckDB and that every JSON pack and manifest decodes.
func checkReadable(t *testing.T, dir string) {
	t.Helper()
	db := openDuckDB(t, "")
	defer db.Close()
	for rel := range hashFiles(t, filepath.Join(dir, "out", "facts")) {
		path := filepath.Join(dir, "out", "facts", rel)
		if !strings.HasSuffix(rel, ".parquet") {
			continue
		}
		var n int64
		if err := db.QueryRow(`SELECT count(*) FROM read_parquet(?)`, path).Scan(&n); err != nil {
			t.Errorf("read %s: %v", rel, err)
		}
	}
	for _, sub := range []string{"packs", "runs"} {
		for rel := range hashFiles(t, filepath.Join(dir, "out", sub)) {
			data, err := os.ReadFile(filepath.Join(dir, "out", sub, rel))
			if err != nil || len(data) == 0 {
				t.Errorf("%s/%s is empty or unreadable: %v", sub, rel, err)
			}
			if strings.HasSuffix(rel, ".json") && !json.Valid(data) {
				t.Errorf("%s/%s is not valid JSON", sub, rel)
			}
		}
	}
}

func countTempFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for rel := range hashFiles(t, filepath.Join(dir, "out")) {
		if strings.Contains(filepath.Base(rel), ".tmp-") {
			n++
		}
	}
	return n
}

func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	if n := countTempFiles(t, dir); n > 0 {
		t.Errorf("%d temporary files left after a complete run", n)
	}
}

// TestKilledRunRecovers kills runs with SIGKILL at fifteen points. Each
// kill must leave readable files and the warehouse as it was before or
// after the run, never between. The next run must then give the same
// warehouse, Parquet files and packs as an uninterrupted run.
func TestKilledRunRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts about 30 runs")
	}
	base := smallWorkspace(t)
	runWindow(t, base, stateWindow)
	before := warehouseRows(t, filepath.Join(base, "out", "warehouse.duckdb"))

	ref := cloneWorkspace(t, base)
	lines, duration := timedRun(t, ref)
	want := readState(t, ref)
	if sameMap(before, want.rows) {
		t.Fatal("the killed window loads the same rows as the starting state, so the test cannot tell them apart")
	}
	for i, point := range killPoints(lines, duration) {
		t.Run(fmt.Sprintf("kill %02d %s", i, point), func(t *testing.T) {
			ws := cloneWorkspace(t, base)
			last := killRun(t, ws, point)
			t.Logf("last log line before SIGKILL: %s", last)
			t.Logf("temporary files left by the killed run: %d", countTempFiles(t, ws))
			checkReadable(t, ws)
			rows := warehouseRows(t, filepath.Join(ws, "out", "warehouse.duckdb"))
			if !sameMap(rows, before) && !sameMap(rows, want.rows) {
				t.Errorf("warehouse after SIGKILL matches neither the state before the run nor after it")
				diffMap(t, "rows after SIGKILL", want.rows, rows)
			}
			runWindow(t, ws, killWindow)
			got := readState(t, ws)
			diffMap(t, "warehouse rows", want.rows, got.rows)
			diffMap(t, "cost totals", want.totals, got.totals)
			diffMap(t, "Parquet SHA-256", want.facts, got.facts)
			diffMap(t, "pack SHA-256", want.packs, got.packs)
			checkNoTempFiles(t, ws)
		})
	}
}
