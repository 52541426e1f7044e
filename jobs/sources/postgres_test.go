package sources

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evidencepack/config"
	"evidencepack/transforms"
)

func postgresDSN(t *testing.T) string {
	dsn := os.Getenv("EVIDENCEPACK_TEST_PG_DSN")
	if dsn == "" {
		t.Skip("EVIDENCEPACK_TEST_PG_DSN is not set; set it to a PostgreSQL connection string to run this test")
	}
	return dsn
}

func TestPostgresIncrementalReadsEveryRowOnce(t *testing.T) {
	dsn := postgresDSN(t)
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
	exec(`DROP TABLE IF EXISTS usage_src`)
	exec(`CREATE TABLE usage_src (event_id text, occurred_at timestamptz, event_type text, case_id text,
		workflow text, user_id text, autonomy_level text, seq bigint)`)
	exec(`INSERT INTO usage_src VALUES
		('e1','2026-07-01T10:00:00Z','case_resolved','c1','claims','u1','draft',1),
		('e2','2026-07-01T11:00:00Z','case_resolved','c2','claims','u1','draft',2),
		('e3','2026-07-01T12:00:00Z','case_resolved','c3','claims','u1','draft',2),
		('e4','2026-07-01T13:00:00Z','case_resolved','c4','claims','u1','draft',NULL)`)
	src := config.Source{Name: "pg", Kind: "usage", Format: "jsonl", Account: "acme",
		Location: config.Location{Type: config.LocationPostgres, DSNEnv: "PGDSN", Table: "usage_src",
			CursorColumn: "seq", Overlap: "0"}}
	window := Options{From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
		Getenv: func(string) string { return dsn }}
	first := extractPostgres(t, src, window)
	if first.facts != 3 || first.rejects != 1 {
		t.Fatalf("first run: %d facts %d rejects, want 3 and 1 (NULL cursor)", first.facts, first.rejects)
	}
	if first.state != "2" {
		t.Fatalf("first run mark %q, want 2", first.state)
	}
	// A row with the cursor value of the mark and a late row dated before
	// the next window arrive between runs.
	exec(`INSERT INTO usage_src VALUES
		('e5','2026-07-01T14:00:00Z','case_resolved','c5','claims','u1','draft',2),
		('e6','2026-07-02T09:00:00Z','case_resolved','c6','claims','u1','draft',3)`)
	next := window
	next.From, next.To = time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)
	next.State = map[string]string{"cursor": first.state}
	second := extractPostgres(t, src, next)
	if second.keys["e5"] != 1 || second.keys["e6"] != 1 {
		t.Errorf("second run keys %v, want e5 and e6 once", second.keys)
	}
	for _, k := range []string{"e1", "e2", "e3"} {
		if second.keys[k] != 1 {
			t.Errorf("second run read %s %d times, want once because its date has a new row", k, second.keys[k])
		}
	}
	if second.state != "3" {
		t.Errorf("second run mark %q, want 3", second.state)
	}
}

type postgresResult struct {
	facts, rejects int
	keys           map[string]int
	state          string
}

func extractPostgres(t *testing.T, src config.Source, opts Options) postgresResult {
	t.Helper()
	s, err := Open(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	report, err := s.Extract(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	res := postgresResult{facts: len(sink.facts), rejects: len(sink.rejects), keys: map[string]int{}, state: report.State["cursor"]}
	for _, f := range sink.facts {
		res.keys[f.(*transforms.UsageEvent).EventID]++
	}
	for _, r := range sink.rejects {
		if r.Reason != "cursor column is NULL" {
			t.Errorf("reject reason %q, want the NULL cursor", r.Reason)
		}
	}
	return res
}
