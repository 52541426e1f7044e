package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evidencepack/jobs/run"
	"evidencepack/jobs/sources"
)

const livePagerDutyToken = "live-test-token"

// fakePagerDutyAPI serves GET /incidents from a list of incidents, filtered
// by created_at in [since, until) and paged by offset and limit as the
// PagerDuty REST API v2 does, and an empty log for every incident.
type fakePagerDutyAPI struct {
	mu        sync.Mutex
	incidents []map[string]any
	served    map[string]int
}

func (f *fakePagerDutyAPI) add(incidents ...map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.incidents = append(f.incidents, incidents...)
}

// servedCounts returns how often each incident id was sent in a page.
func (f *fakePagerDutyAPI) servedCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	counts := make(map[string]int, len(f.served))
	for id, n := range f.served {
		counts[id] = n
	}
	return counts
}

func (f *fakePagerDutyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Token token="+livePagerDutyToken {
		http.Error(w, `{"error":{"message":"Unauthorized"}}`, http.StatusUnauthorized)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/log_entries") {
		fmt.Fprint(w, `{"log_entries":[],"more":false}`)
		return
	}
	if r.URL.Path != "/incidents" {
		http.NotFound(w, r)
		return
	}

	q := r.URL.Query()
	since, errSince := time.Parse(time.RFC3339, q.Get("since"))
	until, errUntil := time.Parse(time.RFC3339, q.Get("until"))
	offset, errOffset := strconv.Atoi(q.Get("offset"))
	limit, errLimit := strconv.Atoi(q.Get("limit"))
	if errSince != nil || errUntil != nil || errOffset != nil || errLimit != nil || limit < 1 {
		http.Error(w, "invalid since, until, offset or limit", http.StatusBadRequest)
		return
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	var matching []map[string]any
	for _, inc := range f.incidents {
		created, err := time.Parse(time.RFC3339, inc["created_at"].(string))
		if err == nil && !created.Before(since) && created.Before(until) {
			matching = append(matching, inc)
		}
	}

	page := matching[min(offset, len(matching)):min(offset+limit, len(matching))]
	for _, inc := range page {
		f.served[inc["id"].(string)]++
	}
	body, _ := json.Marshal(map[string]any{"incidents": page, "limit": limit, "offset": offset,
		"more": offset+limit < len(matching)})
	w.Write(body)
}

// demoIncidents reads the incidents that demo-data wrote in the API's
// response shape.
func demoIncidents(t *testing.T, dir string) []map[string]any {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "out", "demo-input", "incidents", "*.json"))
	if len(files) == 0 {
		t.Fatal("demo-data wrote no incident files")
	}
	var all []map[string]any
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Incidents []map[string]any `json:"incidents"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatalf("decode %s: %v", file, err)
		}
		all = append(all, page.Incidents...)
	}
	return all
}

// liveDatabase creates a database of its own on the server of
// EVIDENCEPACK_TEST_PG_DSN, drops it when the test ends and returns its
// connection string.
func liveDatabase(t *testing.T) string {
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
	name := fmt.Sprintf("evidencepack_live_%d_%d", os.Getpid(), time.Now().UnixNano())
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

// usageRow is one row of the usage_events table the live demo reads.
type usageRow struct {
	id, account, workflow string
	occurred, updated     time.Time
}

// demoWorkflows returns the account and workflow pairs of the demo's
// accounts file.
func demoWorkflows(t *testing.T, dir string) [][2]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "out", "demo-input", "accounts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		cols := strings.Split(line, ",")
		pairs = append(pairs, [2]string{cols[0], cols[5]})
	}
	return pairs
}

func insertUsage(t *testing.T, conn *pgx.Conn, rows []usageRow) {
	t.Helper()
	types := []string{"case_opened", "case_resolved", "suggestion_accepted", "case_escalated"}
	for i, r := range rows {
		_, err := conn.Exec(context.Background(), `INSERT INTO usage_events
			(event_id, occurred_at, account_id, workflow, case_id, user_id, event_type, autonomy_level,
			 handle_time_seconds, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'recommendation', $8, $9)`,
			r.id, r.occurred, r.account, r.workflow, "case-"+r.id, fmt.Sprintf("user-%d", i%7),
			types[i%len(types)], 300+i%600, r.updated)
		if err != nil {
			t.Fatalf("insert %s: %v", r.id, err)
		}
	}
}

// makeUsage returns n rows spread over the days from first, one every
// 7 hours, updated an hour after they occurred.
func makeUsage(prefix string, n int, first time.Time, pairs [][2]string) []usageRow {
	rows := make([]usageRow, n)
	for i := range rows {
		occurred := first.Add(time.Duration(i*7) * time.Hour)
		p := pairs[i%len(pairs)]
		rows[i] = usageRow{id: fmt.Sprintf("%s-%04d", prefix, i), account: p[0], workflow: p[1],
			occurred: occurred, updated: occurred.Add(time.Hour)}
	}
	return rows
}

// liveWorkspace lays out a temporary directory like the repository with
// demo inputs and config/demo-live.yaml.
func liveWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile("../../config/demo-live.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "demo-live.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, dir, "demo-data", "--out", "out/demo-input")
	if res.code != 0 {
		t.Fatalf("demo-data exit %d: %s", res.code, res.stderr)
	}
	return dir
}

// TestLiveDemoLoadsEachRowOnce runs config/demo-live.yaml for July and
// then for August. Between the runs new rows arrive in PostgreSQL, one of
// them dated in July, and new incidents in PagerDuty. Every row and every
// incident must be in the warehouse exactly once.
func TestLiveDemoLoadsEachRowOnce(t *testing.T) {
	dsn := liveDatabase(t)
	dir := liveWorkspace(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE usage_events (
		event_id text PRIMARY KEY, occurred_at timestamptz NOT NULL, account_id text, workflow text,
		case_id text, user_id text, event_type text, autonomy_level text, handle_time_seconds integer,
		updated_at timestamptz)`); err != nil {
		t.Fatal(err)
	}
	pairs := demoWorkflows(t, dir)
	july := time.Date(2026, 7, 1, 3, 0, 0, 0, time.UTC)
	august := time.Date(2026, 8, 1, 3, 0, 0, 0, time.UTC)
	firstRows := makeUsage("jul", 100, july, pairs) // 1 July to 30 July, 7 hours apart
	insertUsage(t, conn, firstRows)

	pd := &fakePagerDutyAPI{served: map[string]int{}}
	pd.add(demoIncidents(t, dir)...)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: listener, Config: &http.Server{Handler: pd}}
	srv.Start()
	defer srv.Close()
	t.Setenv("EVIDENCEPACK_PG_DSN", dsn)
	t.Setenv("EVIDENCEPACK_PD_URL", srv.URL)
	t.Setenv("EVIDENCEPACK_PD_TOKEN", livePagerDutyToken)

	first := runLive(t, dir, "2026-07-01", "2026-07-31")
	checkFetches(t, first, int64(len(firstRows)), pd)

	// A late row dated 10 July whose cursor is above the first run's mark,
	// rows for August, and incidents created in August after the first run.
	late := usageRow{id: "late-0001", account: pairs[0][0], workflow: pairs[0][1],
		occurred: time.Date(2026, 7, 10, 12, 0, 0, 0, time.UTC), updated: time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)}
	secondRows := append(makeUsage("aug", 60, august, pairs), late)
	insertUsage(t, conn, secondRows)
	pd.add(
		map[string]any{"id": "QLIVENEW0001", "status": "triggered", "created_at": "2026-08-20T08:00:00Z",
			"title": "Live test incident", "urgency": "high", "acknowledgements": []any{},
			"service":       map[string]any{"id": "PSVLIVE", "summary": pairs[0][0]},
			"incident_type": map[string]any{"name": pairs[0][1]}},
		map[string]any{"id": "QLIVENEW0002", "status": "resolved", "created_at": "2026-08-21T08:00:00Z",
			"resolved_at": "2026-08-21T09:00:00Z", "title": "Live test incident 2", "urgency": "low",
			"acknowledgements": []any{map[string]any{"at": "2026-08-21T08:05:00Z"}},
			"service":          map[string]any{"id": "PSVLIVE", "summary": pairs[1][0]},
			"incident_type":    map[string]any{"name": pairs[1][1]}},
	)

	second := runLive(t, dir, "2026-08-01", "2026-08-31")
	if got := fetchOf(t, second, "product_events").HighWaterMarks["previous"]; got != fetchOf(t, first, "product_events").HighWaterMarks["cursor"] {
		t.Errorf("second run read from mark %q, want the first run's mark %q", got,
			fetchOf(t, first, "product_events").HighWaterMarks["cursor"])
	}

	var wantEvents []string
	for _, r := range append(firstRows, secondRows...) {
		wantEvents = append(wantEvents, r.id)
	}
	warehouse := filepath.Join(dir, "out", "warehouse.duckdb")
	checkExactlyOnce(t, warehouse, "usage_events", "event_id", wantEvents)
	served := pd.servedCounts()
	var wantIncidents []string
	for id, n := range served {
		wantIncidents = append(wantIncidents, id)
		if n != 1 {
			t.Errorf("incident %s served %d times, want once because the windows do not overlap", id, n)
		}
	}
	if len(wantIncidents) < 3 {
		t.Fatalf("fake PagerDuty served %d incidents, want the demo's July and August incidents", len(wantIncidents))
	}
	if served["QLIVENEW0001"] != 1 || served["QLIVENEW0002"] != 1 {
		t.Errorf("new incidents served %v times, want once each", served)
	}
	checkExactlyOnce(t, warehouse, "incidents", "incident_id", wantIncidents)
}

// runLive runs the live demo config over a window and returns its
// manifest.
func runLive(t *testing.T, dir, from, to string) *run.Manifest {
	t.Helper()
	res := runCLI(t, dir, "run", "--config", "config/demo-live.yaml", "--from", from, "--to", to)
	if res.code != 0 {
		t.Fatalf("run %s..%s exit %d\nstdout:\n%s\nstderr:\n%s", from, to, res.code, res.stdout, res.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "out", "runs", "*.json"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var m run.Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("decode %s: %v", file, err)
		}
		if m.From == from && m.To == to {
			if m.Status != run.StatusSucceeded {
				t.Fatalf("run %s..%s status %s: %s", from, to, m.Status, m.Error)
			}
			return &m
		}
	}
	t.Fatalf("no manifest for %s..%s among %v", from, to, files)
	return nil
}

func fetchOf(t *testing.T, m *run.Manifest, source string) *sources.Fetch {
	t.Helper()
	var found *sources.Fetch
	for i := range m.Fetches {
		if m.Fetches[i].Source != source {
			continue
		}
		if found != nil {
			t.Fatalf("manifest of %s..%s lists %s twice in fetches", m.From, m.To, source)
		}
		found = &m.Fetches[i]
	}
	if found == nil {
		t.Fatalf("manifest of %s..%s lists no fetch of %s: %+v", m.From, m.To, source, m.Fetches)
	}
	return found
}

// checkFetches checks the first run's fetches: the PostgreSQL table with
// every row, and the PagerDuty endpoint with every July incident.
func checkFetches(t *testing.T, m *run.Manifest, pgRows int64, pd *fakePagerDutyAPI) {
	t.Helper()
	pg := fetchOf(t, m, "product_events")
	if !strings.HasPrefix(pg.Endpoint, "postgres://127.0.0.1:") || !strings.HasSuffix(pg.Endpoint, " usage_events") {
		t.Errorf("postgres fetch endpoint %q, want the server and table", pg.Endpoint)
	}
	if pg.Rows != pgRows {
		t.Errorf("postgres fetch rows %d, want %d", pg.Rows, pgRows)
	}
	if len(pg.SHA256) != 64 || pg.Bytes == 0 {
		t.Errorf("postgres fetch sha256 %q bytes %d, want a hash of the bytes read", pg.SHA256, pg.Bytes)
	}
	if pg.HighWaterMarks["cursor"] == "" {
		t.Errorf("postgres fetch stores no cursor mark: %v", pg.HighWaterMarks)
	}
	incidents := fetchOf(t, m, "pagerduty")
	if !strings.HasPrefix(incidents.Endpoint, "http://127.0.0.1:") || !strings.HasSuffix(incidents.Endpoint, "/incidents") {
		t.Errorf("pagerduty fetch endpoint %q, want the fake server's /incidents", incidents.Endpoint)
	}
	served := 0
	for _, n := range pd.servedCounts() {
		served += n
	}
	if incidents.Rows != int64(served) || served == 0 {
		t.Errorf("pagerduty fetch rows %d, fake server served %d incidents", incidents.Rows, served)
	}
	if incidents.Pages < 1 || len(incidents.SHA256) != 64 {
		t.Errorf("pagerduty fetch pages %d sha256 %q", incidents.Pages, incidents.SHA256)
	}
	if len(m.Inputs) == 0 {
		t.Error("manifest lists no input files for the label and cost sources")
	}
}

// checkExactlyOnce checks that the warehouse table contains each id of want
// exactly once and no other id.
func checkExactlyOnce(t *testing.T, path, table, column string, want []string) {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(fmt.Sprintf("SELECT %s, count(*) FROM %s GROUP BY 1", column, table))
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	defer rows.Close()
	got := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		got[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var missing, doubled []string
	for _, id := range want {
		switch got[id] {
		case 1:
		case 0:
			missing = append(missing, id)
		default:
			doubled = append(doubled, fmt.Sprintf("%s×%d", id, got[id]))
		}
		delete(got, id)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%s lacks %d of %d ids: %v", table, len(missing), len(want), missing)
	}
	if len(doubled) > 0 {
		t.Errorf("%s contains ids more than once: %v", table, doubled)
	}
	if len(got) > 0 {
		t.Errorf("%s contains %d ids that no source served: %v", table, len(got), got)
	}
}
