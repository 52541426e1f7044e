package checks

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"evidencepack/config"
)

// tableDates returns the distinct dt values of a fact table.
func tableDates(t *testing.T, db *sql.DB, table string) []time.Time {
	t.Helper()
	rows, err := db.Query("SELECT DISTINCT dt FROM " + quoteIdent(table) + " ORDER BY dt")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var d time.Time
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func TestWindowScopeLimitsChecks(t *testing.T) {
	tests := []struct {
		name    string
		check   config.Check
		breaker string
	}{
		{"not_null", config.Check{Table: "usage_events", Kind: "not_null", Columns: []string{"account_id"}},
			"UPDATE usage_events SET account_id = NULL WHERE event_id = 'e2'"},
		{"unique", config.Check{Table: "review_labels", Kind: "unique", Columns: []string{"label_id"}},
			"INSERT INTO review_labels SELECT * FROM review_labels"},
		{"accepted_values", config.Check{Table: "usage_events", Kind: "accepted_values", Columns: []string{"event_type"},
			Values: config.EventTypes}, "UPDATE usage_events SET event_type = 'case_closed' WHERE event_id = 'e1'"},
		{"relationships", config.Check{Table: "cost_lines", Kind: "relationships", Columns: []string{"account_id"},
			Values: []string{"unattributed"}, References: "accounts.account_id"},
			"UPDATE cost_lines SET account_id = 'initech' WHERE line_id = 'k1'"},
		{"range", config.Check{Table: "usage_events", Kind: "range", Columns: []string{"handle_time_seconds"}, Min: ptr(0)},
			"UPDATE usage_events SET handle_time_seconds = -5 WHERE event_id = 'e1'"},
	}
	elsewhere := []time.Time{time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newWarehouse(t, tt.breaker)
			c := tt.check
			c.Name, c.Severity, c.Scope = tt.name, config.SeverityError, config.ScopeWindow
			run := func(dates map[string][]time.Time) Result {
				t.Helper()
				res, err := Run(context.Background(), Env{DB: db, Dates: dates}, []config.Check{c})
				if err != nil {
					t.Fatal(err)
				}
				return res[0]
			}
			if res := run(map[string][]time.Time{c.Table: elsewhere}); res.Status != StatusPassed {
				t.Errorf("window without the bad row: %s with %d rows (%s), want passed", res.Status, res.FailingCount, res.Message)
			}
			if res := run(map[string][]time.Time{c.Table: nil}); res.Status != StatusPassed {
				t.Errorf("no replaced partition: %s (%s), want passed", res.Status, res.Message)
			}
			if res := run(map[string][]time.Time{c.Table: tableDates(t, db, c.Table)}); res.Status != StatusFailed {
				t.Errorf("window with the bad row: %s (%s), want failed", res.Status, res.Message)
			}
			if res := run(nil); res.Status != StatusFailed {
				t.Errorf("whole table: %s (%s), want failed", res.Status, res.Message)
			}
			c.Scope = config.ScopeTable
			if res := run(map[string][]time.Time{c.Table: elsewhere}); res.Status != StatusFailed {
				t.Errorf("scope table with dates: %s (%s), want failed", res.Status, res.Message)
			}
		})
	}
}

func TestWindowScopeSkipsCustomSQL(t *testing.T) {
	db := newWarehouse(t, "UPDATE cost_lines SET billed_cost = 250 WHERE line_id = 'k2'")
	c := config.Check{Name: "big", Kind: "custom_sql", Severity: config.SeverityError, Scope: config.ScopeWindow,
		SQL: "SELECT * FROM cost_lines WHERE billed_cost > 100"}
	res, err := Run(context.Background(), Env{DB: db, Dates: map[string][]time.Time{"cost_lines": nil}},
		[]config.Check{c})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != StatusFailed {
		t.Errorf("custom_sql under a window: %s, want failed because its query is never limited", res[0].Status)
	}
}
