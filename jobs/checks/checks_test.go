package checks

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"evidencepack/config"
	evsql "evidencepack/sql"
)

// newWarehouse returns a DuckDB file with the evidencepack tables and the
// rows of testdata/clean.sql, plus the statements of extra.
func newWarehouse(t *testing.T, extra string) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		t.Fatal(err)
	}
	if err := evsql.Apply(ctx, db, evsql.DuckDB()); err != nil {
		t.Fatalf("create tables: %v", err)
	}
	clean, err := os.ReadFile("testdata/clean.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{string(clean), extra} {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("load fixture: %v\n%s", err, stmt)
		}
	}
	return db
}

func ptr(f float64) *float64 { return &f }

func TestCheckKinds(t *testing.T) {
	tests := []struct {
		name    string
		check   config.Check
		breaker string // statement that makes the check fail
		failing int64
	}{
		{"not_null", config.Check{Table: "usage_events", Kind: "not_null", Columns: []string{"event_id", "account_id"}},
			"UPDATE usage_events SET account_id = NULL WHERE event_id = 'e2'", 1},
		{"unique one column", config.Check{Table: "review_labels", Kind: "unique", Columns: []string{"label_id"}},
			"INSERT INTO review_labels SELECT * FROM review_labels", 1},
		{"unique two columns", config.Check{Table: "incidents", Kind: "unique", Columns: []string{"incident_id", "account_id"}},
			"UPDATE incidents SET incident_id = 'i1'", 1},
		{"accepted_values", config.Check{Table: "usage_events", Kind: "accepted_values", Columns: []string{"event_type"},
			Values: config.EventTypes}, "UPDATE usage_events SET event_type = 'case_closed' WHERE event_id = 'e1'", 1},
		{"relationships", config.Check{Table: "cost_lines", Kind: "relationships", Columns: []string{"account_id"},
			Values: []string{"unattributed"}, References: "accounts.account_id"},
			"UPDATE cost_lines SET account_id = 'initech' WHERE line_id = 'k1'", 1},
		{"range min", config.Check{Table: "usage_events", Kind: "range", Columns: []string{"handle_time_seconds"}, Min: ptr(0)},
			"UPDATE usage_events SET handle_time_seconds = -5 WHERE event_id = 'e1'", 1},
		{"range max", config.Check{Table: "usage_events", Kind: "range", Columns: []string{"handle_time_seconds"}, Max: ptr(3600)},
			"UPDATE usage_events SET handle_time_seconds = 7200", 2},
		{"range two columns", config.Check{Table: "incidents", Kind: "range", Columns: []string{"resolved_at", "opened_at"}},
			"UPDATE incidents SET resolved_at = opened_at - INTERVAL 1 HOUR WHERE incident_id = 'i1'", 1},
		{"custom_sql", config.Check{Table: "cost_lines", Kind: "custom_sql",
			SQL: "SELECT * FROM cost_lines WHERE billed_cost > 100;"},
			"UPDATE cost_lines SET billed_cost = 250 WHERE line_id = 'k2'", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.check
			c.Name, c.Severity = tt.name, config.SeverityError
			pass := runOne(t, newWarehouse(t, ""), c)
			if pass.Status != StatusPassed || pass.FailingCount != 0 {
				t.Errorf("clean fixture: status %s with %d failing rows (%s), want passed", pass.Status,
					pass.FailingCount, pass.Message)
			}
			fail := runOne(t, newWarehouse(t, tt.breaker), c)
			if fail.Status != StatusFailed {
				t.Fatalf("broken fixture: status %s (%s), want failed", fail.Status, fail.Message)
			}
			if fail.FailingCount != tt.failing {
				t.Errorf("failing_count = %d, want %d", fail.FailingCount, tt.failing)
			}
			var sample []map[string]any
			if err := json.Unmarshal(fail.Sample, &sample); err != nil || int64(len(sample)) != tt.failing {
				t.Errorf("sample = %s (%v), want %d rows", fail.Sample, err, tt.failing)
			}
			if !fail.Blocking() {
				t.Error("a failed check of severity error does not block the run")
			}
		})
	}
}

func runOne(t *testing.T, db *sql.DB, c config.Check) Result {
	t.Helper()
	res, err := Run(context.Background(), Env{DB: db}, []config.Check{c})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res[0]
}

func TestBuiltinChecksPassCleanFixture(t *testing.T) {
	db := newWarehouse(t, "")
	results, err := Run(context.Background(), Env{DB: db}, config.BuiltinChecks())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Failed() {
			t.Errorf("built-in check %s failed on the clean fixture: %d rows %s %s", r.Name, r.FailingCount,
				r.Sample, r.Message)
		}
	}
}

func TestRowCountDrop(t *testing.T) {
	db := newWarehouse(t, "")
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	c := config.Check{Name: "usage drop", Table: "usage_events", Kind: "row_count_drop",
		MaxDropShare: ptr(0.4), Severity: config.SeverityWarn}
	env := Env{DB: db, From: day("2026-09-28"), To: day("2026-09-30")}
	if r := runOne2(t, env, c); r.Status != StatusPassed || !strings.Contains(r.Message, "no previous") {
		t.Errorf("without a previous run: %s %q, want passed with a message", r.Status, r.Message)
	}
	env.Previous = &PreviousRun{RunID: "run-a", Rows: map[string]int64{"usage_events": 3}}
	if r := runOne2(t, env, c); r.Status != StatusPassed {
		t.Errorf("2 of 3 rows (33%% drop): %s %q, want passed under 40%%", r.Status, r.Message)
	}
	env.Previous.Rows["usage_events"] = 4
	r := runOne2(t, env, c)
	if r.Status != StatusFailed || r.FailingCount != 2 {
		t.Fatalf("2 of 4 rows: %s with %d, want failed with 2 missing", r.Status, r.FailingCount)
	}
	if !strings.Contains(r.Message, "50.0% fewer than the 4 of run run-a") {
		t.Errorf("message = %q", r.Message)
	}
	if r.Blocking() {
		t.Error("a warn check blocks the run")
	}
}

func runOne2(t *testing.T, env Env, c config.Check) Result {
	t.Helper()
	res, err := Run(context.Background(), env, []config.Check{c})
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

func TestBadCustomSQLFails(t *testing.T) {
	r := runOne(t, newWarehouse(t, ""), config.Check{Name: "bad", Kind: "custom_sql",
		SQL: "SELECT * FROM no_such_table", Severity: config.SeverityWarn})
	if r.Status != StatusFailed || !strings.Contains(r.Message, "no_such_table") {
		t.Errorf("status %s message %q, want failed naming the table", r.Status, r.Message)
	}
}

func TestValuesAreBound(t *testing.T) {
	c := config.Check{Name: "quotes", Table: "usage_events", Kind: "accepted_values",
		Columns: []string{"event_type"}, Values: []string{"case_resolved", "x'); DROP TABLE accounts; --"}}
	q, args, err := failingRowsQuery(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(q, "DROP") || len(args) != 2 {
		t.Errorf("query %q args %v: values must be bound, not inlined", q, args)
	}
	if !strings.Contains(q, `"usage_events"`) || !strings.Contains(q, `"event_type"`) {
		t.Errorf("query %q does not quote its identifiers", q)
	}
}
