package run

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evidencepack/config"
	"evidencepack/jobs/demo"
)

// postgresTestDatabase creates a database of its own on the server of
// EVIDENCEPACK_TEST_PG_DSN, drops it when the test ends and returns its
// connection string.
func postgresTestDatabase(t *testing.T) string {
	t.Helper()
	admin := os.Getenv("EVIDENCEPACK_TEST_PG_DSN")
	if admin == "" {
		t.Skip("EVIDENCEPACK_TEST_PG_DSN is not set; set it to a PostgreSQL connection string (.ci/run starts one on loopback) to run this test")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to EVIDENCEPACK_TEST_PG_DSN: %v", err)
	}
	name := fmt.Sprintf("evidencepack_state_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
		conn.Close(ctx)
	})
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// A key=value connection string takes the last dbname given.
		return admin + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

// postgresUsageConfig loads the demo config with product_events read from
// the usage table of dsn through an integer cursor, and the other sources
// from demo files for three accounts.
func postgresUsageConfig(t *testing.T, dsn string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	_, err := demo.Generate(context.Background(), filepath.Join(dir, "out", "demo-input"), demo.Options{Accounts: 3})
	if err != nil {
		t.Fatalf("generate demo inputs: %v", err)
	}
	text, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	usage := regexp.MustCompile(`(?s)  - name: product_events\n.*?\n\n`)
	if !usage.Match(text) {
		t.Fatal("config/demo.yaml has no product_events source block")
	}
	text = usage.ReplaceAll(text, []byte(`  - name: product_events
    kind: usage
    format: jsonl
    location:
      type: postgres
      dsn_env: EP_STATE_TEST_DSN
      table: usage
      cursor_column: seq
      overlap: "0"

`))
	text = regexp.MustCompile(`max_reject_ratio: [0-9.]+`).ReplaceAll(text, []byte("max_reject_ratio: 0.5"))
	path := filepath.Join(dir, "config", "demo.yaml")
	writeText(t, path, string(text))
	cfg, err := config.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	t.Setenv("EP_STATE_TEST_DSN", dsn)
	return cfg
}

// storedMark returns the cursor mark of product_events and the run that
// stored it.
func storedMark(t *testing.T, cfg *config.Config) (mark, runID string) {
	t.Helper()
	db, err := sql.Open("duckdb", cfg.Resolve(cfg.Warehouse.Path)+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.QueryRow(`SELECT value, run_id FROM source_state WHERE source = 'product_events' AND key = 'cursor'`).
		Scan(&mark, &runID)
	if err != nil {
		t.Fatalf("read source_state: %v", err)
	}
	return mark, runID
}

// eventCounts returns how often each event id is in usage_events.
func eventCounts(t *testing.T, cfg *config.Config) map[string]int {
	t.Helper()
	db, err := sql.Open("duckdb", cfg.Resolve(cfg.Warehouse.Path)+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT event_id, count(*) FROM usage_events GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts
}

// TestFailedRunKeepsSourceState checks that a run failing after its
// PostgreSQL source was read stores no mark, so the next good run reads
// the late rows again. Had the failed run stored its mark (7), the late
// row dated 1 July (seq 5) would be below it and never read.
func TestFailedRunKeepsSourceState(t *testing.T) {
	dsn := postgresTestDatabase(t)
	cfg := postgresUsageConfig(t, dsn)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	account := cfg.Accounts[0]
	insert := func(id, occurred string, seq int) {
		t.Helper()
		_, err := conn.Exec(ctx, `INSERT INTO usage VALUES ($1, $2, $3, $4, $5, 'u1', 'case_resolved', 'draft', $6)`,
			id, occurred, account.ID, account.Workflows[0].Name, "case-"+id, seq)
		if err != nil {
			t.Fatalf("insert %s: %v", id, err)
		}
	}
	exec(`CREATE TABLE usage (event_id text, occurred_at timestamptz, account_id text, workflow text,
		case_id text, user_id text, event_type text, autonomy_level text, seq bigint)`)
	insert("e1", "2026-07-01T10:00:00Z", 1)
	insert("e2", "2026-07-01T11:00:00Z", 2)
	insert("e3", "2026-07-02T10:00:00Z", 3)
	insert("e4", "2026-07-02T11:00:00Z", 4)

	if _, err := Run(ctx, cfg, Options{From: date("2026-07-01"), To: date("2026-07-02")}); err != nil {
		t.Fatalf("first run: %v", err)
	}
	mark, firstRun := storedMark(t, cfg)
	if mark != "4" {
		t.Fatalf("first run stored mark %q, want 4", mark)
	}

	// A late row for 1 July and two rows for 3 July arrive, and the cost
	// files go missing, so the next run fails after reading PostgreSQL.
	insert("late", "2026-07-01T12:00:00Z", 5)
	insert("e6", "2026-07-03T10:00:00Z", 6)
	insert("e7", "2026-07-03T11:00:00Z", 7)
	costs := cfg.Resolve("../out/demo-input/costs")
	if err := os.Rename(costs, costs+".away"); err != nil {
		t.Fatal(err)
	}
	m, err := Run(ctx, cfg, Options{From: date("2026-07-03"), To: date("2026-07-03")})
	if err == nil {
		t.Fatal("run succeeded although the cost files are missing")
	}
	if !strings.Contains(err.Error(), "cloud_bill") {
		t.Errorf("error %q, want the cost source that has no files", err)
	}
	if m == nil || m.Status != StatusFailed {
		t.Fatalf("manifest %+v, want a failed run", m)
	}
	var readMark string
	for _, f := range m.Fetches {
		if f.Source == "product_events" {
			readMark = f.HighWaterMarks["cursor"]
		}
	}
	if readMark != "7" {
		t.Errorf("failed run read up to mark %q, want 7 so the test shows a mark that was not stored", readMark)
	}
	if got, run := storedMark(t, cfg); got != "4" || run != firstRun {
		t.Errorf("after the failed run source_state is %q from %s, want 4 from %s", got, run, firstRun)
	}
	if counts := eventCounts(t, cfg); counts["late"] != 0 || counts["e6"] != 0 {
		t.Errorf("the failed run loaded rows: %v", counts)
	}

	if err := os.Rename(costs+".away", costs); err != nil {
		t.Fatal(err)
	}
	m, err = Run(ctx, cfg, Options{From: date("2026-07-03"), To: date("2026-07-03")})
	if err != nil {
		t.Fatalf("run after restoring the cost files: %v", err)
	}
	var fetchedFrom string
	for _, f := range m.Fetches {
		if f.Source == "product_events" {
			fetchedFrom = f.HighWaterMarks["previous"]
		}
	}
	if fetchedFrom != "4" {
		t.Errorf("good run read from mark %q, want 4 as the failed run left it", fetchedFrom)
	}
	if got, _ := storedMark(t, cfg); got != "7" {
		t.Errorf("good run stored mark %q, want 7", got)
	}
	counts := eventCounts(t, cfg)
	for _, id := range []string{"e1", "e2", "e3", "e4", "late", "e6", "e7"} {
		if counts[id] != 1 {
			t.Errorf("usage_events contains %s %d times, want once", id, counts[id])
		}
	}
}
