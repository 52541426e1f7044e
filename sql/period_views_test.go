package sql

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// periodViews are the views that assign facts to periods, with their fact
// table, the fact time that places a row, and the fact columns they keep.
var periodViews = []struct {
	view, table, time string
	columns           []string
}{
	{"usage_event_periods", "usage_events", "occurred_at", []string{"event_id", "occurred_at", "account_id",
		"workflow", "case_id", "user_id", "event_type", "autonomy_level", "handle_time_seconds"}},
	{"review_label_periods", "review_labels", "labeled_at", []string{"label_id", "labeled_at", "account_id",
		"workflow", "case_id", "reviewer_id", "verdict", "failure_category", "incorporated_as"}},
	{"cost_line_periods", "cost_lines", "charge_period_start", []string{"line_id", "charge_period_start",
		"account_id", "provider", "service", "charge_category", "billed_cost", "effective_cost", "currency",
		"commitment_purchase"}},
	{"incident_periods", "incidents", "opened_at", []string{"incident_id", "account_id", "severity", "opened_at",
		"resolved_at", "status", "service", "workflow"}},
}

// periodZones are account time zones with offsets from -11:00 to +14:00,
// with and without daylight saving time and with 30 and 45 minute offsets.
// An empty zone is a NULL time_zone.
var periodZones = []string{"", "UTC", "America/Los_Angeles", "Pacific/Pago_Pago", "Pacific/Kiritimati",
	"Asia/Kathmandu", "Australia/Lord_Howe", "Europe/Berlin", "America/St_Johns"}

// TestPeriodViewsMatchRangeJoin compares each view with the definition it
// replaces: every fact joined to each row of periods whose bounds contain
// the fact's local time. Facts fall within hours of month and quarter
// starts in accounts of every zone of periodZones, and some have no time.
func TestPeriodViewsMatchRangeJoin(t *testing.T) {
	db := openDuckDB(t)
	ctx := context.Background()
	var accounts []string
	for i, zone := range periodZones {
		value := "NULL"
		if zone != "" {
			value = "'" + zone + "'"
		}
		accounts = append(accounts, fmt.Sprintf("('a%d', 'A%d', 'USD', NULL, NULL, FALSE, %s)", i, i, value))
	}
	// An account id missing from accounts counts as UTC.
	statements := []string{"INSERT INTO accounts VALUES " + strings.Join(accounts, ", ")}
	r := rand.New(rand.NewPCG(3, 9))
	for _, v := range periodViews {
		var rows []string
		for i := range 400 {
			when := "NULL"
			if i%50 != 0 {
				when = "TIMESTAMP '" + boundaryTime(r).Format("2006-01-02 15:04:05") + "'"
			}
			rows = append(rows, fmt.Sprintf("('%s-%d', 'a%d', %s)", v.table, i, r.IntN(len(periodZones)+1), when))
		}
		statements = append(statements, fmt.Sprintf("INSERT INTO %s (%s, account_id, %s) VALUES %s",
			v.table, v.columns[0], v.time, strings.Join(rows, ", ")))
	}
	for _, s := range statements {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("load facts: %v", err)
		}
	}

	d := DuckDB()
	for _, v := range periodViews {
		local := d.localTime("f."+v.time, "a.time_zone")
		rangeJoin := fmt.Sprintf(`SELECT p.grain, p.period, p.period_start, p.period_end, f.%s
FROM %s AS f LEFT JOIN accounts AS a ON a.account_id = f.account_id
JOIN periods AS p ON %s >= p.period_start AND %s < p.period_end`,
			strings.Join(v.columns, ", f."), v.table, local, local)
		view := "SELECT * FROM " + v.view
		var rows, extra, missing int
		query := fmt.Sprintf(`SELECT (SELECT count(*) FROM (%s)),
  (SELECT count(*) FROM (%s EXCEPT ALL %s)), (SELECT count(*) FROM (%s EXCEPT ALL %s))`,
			view, view, rangeJoin, rangeJoin, view)
		if err := db.QueryRowContext(ctx, query).Scan(&rows, &extra, &missing); err != nil {
			t.Fatalf("%s: %v", v.view, err)
		}
		if rows < 700 {
			t.Errorf("%s: %d rows, want about two per fact with a time", v.view, rows)
		}
		if extra != 0 {
			t.Errorf("%s: %d rows not in the range join", v.view, extra)
		}
		if missing != 0 {
			t.Errorf("%s: %d rows of the range join missing", v.view, missing)
		}
	}
}

// boundaryTime returns a UTC time within 15 hours of the start of a month
// of 2025-12 to 2026-10, so that local times of different zones fall in
// different months and quarters.
func boundaryTime(r *rand.Rand) time.Time {
	month := time.Date(2025, time.Month(12+r.IntN(11)), 1, 0, 0, 0, 0, time.UTC)
	return month.Add(time.Duration(r.IntN(30*60)-15*60) * time.Minute)
}
