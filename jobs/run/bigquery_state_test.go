package run

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/jobs/warehouse/bqfake/duckmirror"
)

// bigQueryState is a fake BigQuery whose queries run on a DuckDB copy of
// what the runs loaded into it.
type bigQueryState struct {
	srv    *bqfake.Server
	mirror *duckmirror.Mirror

	mu sync.Mutex
	// failed lists the queries that the copy could not run. Views and
	// queries of other steps may use forms that DuckDB lacks, so they get
	// no rows, and a test checks only the queries it is about.
	failed []string
}

func newBigQueryState(t *testing.T, cfg *config.Config) *bigQueryState {
	t.Helper()
	cfg.Warehouse.Kind = "bigquery"
	cfg.Warehouse.Project, cfg.Warehouse.Dataset, cfg.Warehouse.Location = "acme-prod", "evidence", "US"
	cfg.Warehouse.StagingThresholdBytes = 64 << 20
	b := &bigQueryState{srv: bqfake.New()}
	t.Cleanup(b.srv.Close)
	var err error
	if b.mirror, err = duckmirror.New(b.srv, "acme-prod", "evidence"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.mirror.Close() })
	b.srv.QueryResult = func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		schema, rows, err := b.mirror.Query(query, params)
		if err != nil {
			b.mu.Lock()
			b.failed = append(b.failed, query+": "+err.Error())
			b.mu.Unlock()
		}
		return schema, rows
	}
	return b
}

func (b *bigQueryState) run(cfg *config.Config, from, to string) (*Manifest, error) {
	return Run(context.Background(), cfg, Options{From: date(from), To: date(to),
		Endpoints: warehouse.Endpoints{BigQuery: b.srv.Endpoint()}})
}

// marks returns the rows of source_state in the copy, as
// "source/key=value@run" in the order the runs appended them.
func (b *bigQueryState) marks(t *testing.T) []string {
	t.Helper()
	db, err := b.mirror.DB()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT source || '/' || key || '=' || value || '@' || run_id FROM source_state
		ORDER BY updated_at, run_id`)
	if err != nil {
		t.Fatalf("read source_state: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// eventCounts returns how often each event id is in usage_events.
func (b *bigQueryState) eventCounts(t *testing.T) map[string]int {
	t.Helper()
	db, err := b.mirror.DB()
	if err != nil {
		t.Fatal(err)
	}
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

// stateQueries returns the source_state queries sent to the fake and
// checks that each reads the marks of product_events by a parameter.
func (b *bigQueryState) stateQueries(t *testing.T) int {
	t.Helper()
	const want = "SELECT `key`, `value`\nFROM `acme-prod.evidence.source_state`\nWHERE source = ?\n" +
		"QUALIFY ROW_NUMBER() OVER (PARTITION BY `key` ORDER BY updated_at DESC, run_id DESC) = 1"
	n := 0
	for _, j := range b.srv.Jobs() {
		q := j.Configuration.Query
		if q == nil || !strings.Contains(q.Query, "source_state") {
			continue
		}
		n++
		if q.Query != want {
			t.Errorf("source_state query =\n%s\nwant\n%s", q.Query, want)
		}
		if len(q.QueryParameters) != 1 || q.QueryParameters[0].ParameterValue.Value != "product_events" ||
			q.QueryParameters[0].ParameterType.Type != "STRING" {
			t.Errorf("source_state query parameters = %+v, want the STRING product_events", q.QueryParameters)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.failed {
		if strings.Contains(f, "source_state") {
			t.Errorf("the copy failed to run a source_state query: %s", f)
		}
	}
	return n
}

// fetchedMarks returns the mark product_events read from and the one it
// read up to, as the manifest records them.
func fetchedMarks(m *Manifest) (previous, latest string) {
	for _, f := range m.Fetches {
		if f.Source == "product_events" {
			return f.HighWaterMarks["previous"], f.HighWaterMarks["cursor"]
		}
	}
	return "", ""
}

// TestBigQueryPostgresMarks runs a PostgreSQL usage source into the fake
// BigQuery: a first run, two failed runs after new rows arrived (one
// fails before the load, one in a load job), and a good run. Marks must
// stay at the first run's until the good run, and every row must land
// once, the late row of 1 July included.
func TestBigQueryPostgresMarks(t *testing.T) {
	dsn := postgresTestDatabase(t)
	cfg := postgresUsageConfig(t, dsn)
	fake := newBigQueryState(t, cfg)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	account := cfg.Accounts[0]
	insert := func(id, occurred string, seq int) {
		t.Helper()
		_, err := conn.Exec(ctx, `INSERT INTO usage VALUES ($1, $2, $3, $4, $5, 'u1', 'case_resolved', 'draft', $6)`,
			id, occurred, account.ID, account.Workflows[0].Name, "case-"+id, seq)
		if err != nil {
			t.Fatalf("insert %s: %v", id, err)
		}
	}
	_, err = conn.Exec(ctx, `CREATE TABLE usage (event_id text, occurred_at timestamptz, account_id text,
		workflow text, case_id text, user_id text, event_type text, autonomy_level text, seq bigint)`)
	if err != nil {
		t.Fatal(err)
	}
	insert("e1", "2026-07-01T10:00:00Z", 1)
	insert("e2", "2026-07-01T11:00:00Z", 2)
	insert("e3", "2026-07-02T10:00:00Z", 3)
	insert("e4", "2026-07-02T11:00:00Z", 4)

	first, err := fake.run(cfg, "2026-07-01", "2026-07-02")
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	if prev, latest := fetchedMarks(first); prev != "" || latest != "4" {
		t.Errorf("first run read from %q up to %q, want from no mark up to 4", prev, latest)
	}
	wantMarks := []string{"product_events/cursor=4@" + first.RunID}
	if got := fake.marks(t); strings.Join(got, " ") != strings.Join(wantMarks, " ") {
		t.Fatalf("source_state after the first run = %v, want %v", got, wantMarks)
	}

	// A late row for 1 July and two rows for 3 July arrive.
	insert("late", "2026-07-01T12:00:00Z", 5)
	insert("e6", "2026-07-03T10:00:00Z", 6)
	insert("e7", "2026-07-03T11:00:00Z", 7)

	// The cost files go missing, so the run fails in its extract step
	// after PostgreSQL was read.
	costs := cfg.Resolve("../out/demo-input/costs")
	if err := os.Rename(costs, costs+".away"); err != nil {
		t.Fatal(err)
	}
	m, err := fake.run(cfg, "2026-07-03", "2026-07-03")
	if err == nil || m.FailedStep != "extract" {
		t.Fatalf("run without cost files: error %v, failed step %q, want a failed extract", err, m.FailedStep)
	}
	if err := os.Rename(costs+".away", costs); err != nil {
		t.Fatal(err)
	}

	// A load job of usage_events fails, so the run fails in its load step
	// after it read up to mark 7.
	fake.srv.FailJob = bqfake.FailLoadsInto("usage_events", "Error while reading data")
	m, err = fake.run(cfg, "2026-07-03", "2026-07-03")
	if err == nil || m.FailedStep != "load" {
		t.Fatalf("run with a failing load job: error %v, failed step %q, want a failed load", err, m.FailedStep)
	}
	if _, latest := fetchedMarks(m); latest != "7" {
		t.Errorf("failed run read up to mark %q, want 7 so the test shows a mark that was not stored", latest)
	}
	if got := fake.marks(t); strings.Join(got, " ") != strings.Join(wantMarks, " ") {
		t.Errorf("source_state after the failed runs = %v, want %v", got, wantMarks)
	}
	fake.srv.FailJob = nil

	good, err := fake.run(cfg, "2026-07-03", "2026-07-03")
	if err != nil {
		t.Fatalf("good run: %v", err)
	}
	if prev, latest := fetchedMarks(good); prev != "4" || latest != "7" {
		t.Errorf("good run read from %q up to %q, want from 4 as the failed runs left it up to 7", prev, latest)
	}
	wantMarks = append(wantMarks, "product_events/cursor=7@"+good.RunID)
	if got := fake.marks(t); strings.Join(got, " ") != strings.Join(wantMarks, " ") {
		t.Errorf("source_state after the good run = %v, want %v", got, wantMarks)
	}
	counts := fake.eventCounts(t)
	for _, id := range []string{"e1", "e2", "e3", "e4", "late", "e6", "e7"} {
		if counts[id] != 1 {
			t.Errorf("usage_events contains %s %d times, want once", id, counts[id])
		}
	}
	if n := fake.stateQueries(t); n != 4 {
		t.Errorf("%d source_state queries, want one per run (4)", n)
	}

	// The same window again reads from mark 7, so it reads other rows and
	// appends its own row. A third run reads what the second read, so it
	// gets the same run id, as a retried run does, and attaches to the
	// job that appended the second run's marks instead of appending them
	// again.
	again, err := fake.run(cfg, "2026-07-03", "2026-07-03")
	if err != nil {
		t.Fatalf("second run of 3 July: %v", err)
	}
	wantMarks = append(wantMarks, "product_events/cursor=7@"+again.RunID)
	retried, err := fake.run(cfg, "2026-07-03", "2026-07-03")
	if err != nil {
		t.Fatalf("third run of 3 July: %v", err)
	}
	if retried.RunID != again.RunID {
		t.Fatalf("third run id %s, want %s of the same inputs", retried.RunID, again.RunID)
	}
	if got := fake.marks(t); strings.Join(got, " ") != strings.Join(wantMarks, " ") {
		t.Errorf("source_state after a run with the same id = %v, want %v", got, wantMarks)
	}
	if counts := fake.eventCounts(t); counts["e6"] != 1 || counts["e7"] != 1 {
		t.Errorf("after the repeated runs e6 is in usage_events %d times and e7 %d times, want once each",
			counts["e6"], counts["e7"])
	}
}
