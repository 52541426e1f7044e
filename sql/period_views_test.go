package sql

import (
	"context"
	gosql "database/sql"
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

// loadPeriodFacts fills accounts and the four fact tables with facts near
// month and quarter starts in accounts of every zone of periodZones and
// in an account missing from accounts. Two facts of each table have a
// local quarter that differs from the quarter of their UTC date. dt is the
// UTC date of the fact's time, as loads write it, except for a few rows
// without dt or without a time.
func loadPeriodFacts(t *testing.T, db *gosql.DB) {
	t.Helper()
	var accounts []string
	for i, zone := range periodZones {
		value := "NULL"
		if zone != "" {
			value = "'" + zone + "'"
		}
		accounts = append(accounts, fmt.Sprintf("('a%d', 'A%d', 'USD', NULL, NULL, FALSE, %s)", i, i, value))
	}
	statements := []string{"INSERT INTO accounts VALUES " + strings.Join(accounts, ", ")}
	r := rand.New(rand.NewPCG(3, 9))
	for _, v := range periodViews {
		var rows []string
		for i := range 600 {
			when, dt := "NULL", "NULL"
			if i%50 != 0 {
				at := boundaryTime(r)
				if i%4 == 0 {
					at = midMonthTime(r)
				}
				when = "TIMESTAMP '" + at.Format("2006-01-02 15:04:05") + "'"
				if i%40 != 1 {
					dt = "DATE '" + at.Format(time.DateOnly) + "'"
				}
			}
			// Account a<len(periodZones)> is not in accounts and counts as UTC.
			rows = append(rows, fmt.Sprintf("('%s-%d', 'a%d', %s, %s)", v.table, i, r.IntN(len(periodZones)+1), when, dt))
		}
		// The only facts of 2025-Q1 and 2025-Q3 are in those quarters in
		// local time alone: in Los Angeles (a2) and in Kiritimati (a4).
		rows = append(rows,
			fmt.Sprintf("('%s-q1', 'a2', TIMESTAMP '2025-04-01 05:00:00', DATE '2025-04-01')", v.table),
			fmt.Sprintf("('%s-q3', 'a4', TIMESTAMP '2025-06-30 20:00:00', DATE '2025-06-30')", v.table))
		statements = append(statements, fmt.Sprintf("INSERT INTO %s (%s, account_id, %s, dt) VALUES %s",
			v.table, v.columns[0], v.time, strings.Join(rows, ", ")))
	}
	for _, s := range statements {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("load facts: %v", err)
		}
	}
}

// boundaryTime returns a UTC time within 30 hours of the start of a month
// of 2025-12 to 2026-10, so that local times of different zones fall in
// different months and quarters.
func boundaryTime(r *rand.Rand) time.Time {
	month := time.Date(2025, time.Month(12+r.IntN(11)), 1, 0, 0, 0, 0, time.UTC)
	return month.Add(time.Duration(r.IntN(60*60)-30*60) * time.Minute)
}

// midMonthTime returns a UTC time between the 5th and the 25th of a month
// of 2025-12 to 2026-10, far from any period boundary.
func midMonthTime(r *rand.Rand) time.Time {
	month := time.Date(2025, time.Month(12+r.IntN(11)), 5, 0, 0, 0, 0, time.UTC)
	return month.Add(time.Duration(r.IntN(20*24*60)) * time.Minute)
}

// referencePeriods is the periods view computed from every fact's local
// time, without the shortcut through dt.
func referencePeriods(d Dialect) string {
	var quarters []string
	for _, v := range periodViews {
		quarters = append(quarters, fmt.Sprintf(
			"SELECT date_trunc('quarter', %s) AS q FROM %s AS f LEFT JOIN accounts AS a ON a.account_id = f.account_id WHERE f.%s IS NOT NULL",
			d.localTime("f."+v.time, "a.time_zone"), v.table, v.time))
	}
	return fmt.Sprintf(`WITH fq AS (%s)
SELECT 'quarter' AS grain, strftime(q, '%%Y') || '-Q' || CAST(quarter(q) AS VARCHAR) AS period,
  CAST(q AS TIMESTAMP) AS period_start, CAST(q + INTERVAL 3 MONTH AS TIMESTAMP) AS period_end FROM fq
UNION ALL
SELECT 'month', strftime(q + to_months(o), '%%Y-%%m'), CAST(q + to_months(o) AS TIMESTAMP),
  CAST(q + to_months(o + 1) AS TIMESTAMP) FROM fq CROSS JOIN range(3) AS m(o)`,
		strings.Join(quarters, " UNION DISTINCT "))
}

// referenceRangeJoin is a *_periods view as a plain range join of every
// fact with the rows of periodsRelation whose bounds contain the fact's
// local time.
func referenceRangeJoin(d Dialect, table, timeColumn string, columns []string, periodsRelation string) string {
	local := d.localTime("f."+timeColumn, "a.time_zone")
	return fmt.Sprintf(`SELECT p.grain, p.period, p.period_start, p.period_end, f.%s
FROM %s AS f LEFT JOIN accounts AS a ON a.account_id = f.account_id
JOIN (%s) AS p ON %s >= p.period_start AND %s < p.period_end`,
		strings.Join(columns, ", f."), table, periodsRelation, local, local)
}

// compareRows fails unless the queries return the same multiset of rows,
// and returns the number of rows of got.
func compareRows(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *gosql.Row
}, label, got, want string) int {
	t.Helper()
	var rows, extra, missing int
	query := fmt.Sprintf(`WITH got AS (%s), want AS (%s)
SELECT (SELECT count(*) FROM got),
  (SELECT count(*) FROM (SELECT * FROM got EXCEPT ALL SELECT * FROM want)),
  (SELECT count(*) FROM (SELECT * FROM want EXCEPT ALL SELECT * FROM got))`, got, want)
	if err := q.QueryRowContext(context.Background(), query).Scan(&rows, &extra, &missing); err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	if extra != 0 {
		t.Errorf("%s: %d rows not in the reference", label, extra)
	}
	if missing != 0 {
		t.Errorf("%s: %d rows of the reference missing", label, missing)
	}
	return rows
}

// TestPeriodViewsMatchReference compares periods and each *_periods view
// with their definitions from every fact's local time: periods with the
// quarters of all local times and each *_periods view with a range join.
func TestPeriodViewsMatchReference(t *testing.T) {
	db := openDuckDB(t)
	loadPeriodFacts(t, db)
	d := DuckDB()
	if n := compareRows(t, db, "periods", "SELECT * FROM periods", referencePeriods(d)); n < 20 {
		t.Errorf("periods: %d rows, want each quarter with facts and its months", n)
	}
	for _, v := range periodViews {
		want := referenceRangeJoin(d, v.table, v.time, v.columns, referencePeriods(d))
		if n := compareRows(t, db, v.view, "SELECT * FROM "+v.view, want); n < 1000 {
			t.Errorf("%s: %d rows, want about two per fact with a time", v.view, n)
		}
	}
}

// TestPeriodViewsWithPeriodCopy reads each *_periods view as a render
// does: after a TEMP periods table that holds one quarter and its months
// has replaced the view on the connection, limited to the rows of that
// quarter and its months. It compares the rows with the reference range
// join of that quarter.
func TestPeriodViewsWithPeriodCopy(t *testing.T) {
	db := openDuckDB(t)
	loadPeriodFacts(t, db)
	d := DuckDB()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	quarters := []struct{ label, start, end string }{
		{"2025-Q4", "2025-10-01", "2026-01-01"},
		{"2026-Q1", "2026-01-01", "2026-04-01"},
		{"2026-Q3", "2026-07-01", "2026-10-01"},
		{"2026-Q4", "2026-10-01", "2027-01-01"},
	}
	for _, q := range quarters {
		quarter := q.label
		bounds := fmt.Sprintf(`(SELECT * FROM (%s)
WHERE period_start >= TIMESTAMP '%s' AND period_end <= TIMESTAMP '%s')`, referencePeriods(d), q.start, q.end)
		copyPeriods := "CREATE OR REPLACE TEMP TABLE periods AS SELECT * FROM " + bounds
		if _, err := conn.ExecContext(ctx, copyPeriods); err != nil {
			t.Fatalf("%s: copy periods: %v", quarter, err)
		}
		for _, v := range periodViews {
			want := referenceRangeJoin(d, v.table, v.time, v.columns, bounds)
			got := fmt.Sprintf("SELECT * FROM %s WHERE period_start >= TIMESTAMP '%s' AND period_end <= TIMESTAMP '%s'",
				v.view, q.start, q.end)
			if n := compareRows(t, conn, quarter+" "+v.view, got, want); n < 50 {
				t.Errorf("%s %s: %d rows, want the facts of one quarter", quarter, v.view, n)
			}
		}
		if _, err := conn.ExecContext(ctx, "DROP TABLE temp.main.periods"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestResolvedCasesMatchReference compares resolved_cases with its
// definition that looks up reopenings in all of usage_events by time
// alone. Resolutions and reopenings fall near UTC midnight, so dt and the
// verification window end on different sides of a date, and some events
// have no dt.
func TestResolvedCasesMatchReference(t *testing.T) {
	db := openDuckDB(t)
	ctx := context.Background()
	statements := []string{
		"INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-12-31 00:00:00', 2, 0.9, 0, 1, 0.5)",
		"INSERT INTO accounts VALUES ('a0', 'A0', 'USD', NULL, NULL, FALSE, 'America/Los_Angeles'), ('a1', 'A1', 'USD', NULL, NULL, FALSE, NULL)",
	}
	r := rand.New(rand.NewPCG(5, 11))
	var rows []string
	for i := range 800 {
		eventType := "case_resolved"
		if i%3 == 0 {
			eventType = "case_reopened"
		}
		// Midnight of a day of 2026-06-20 to 2026-10-10, moved by up to 2 hours.
		day := time.Date(2026, 6, 20+r.IntN(112), 0, 0, 0, 0, time.UTC)
		at := day.Add(time.Duration(r.IntN(240)-120) * time.Minute)
		dt := "DATE '" + at.Format(time.DateOnly) + "'"
		if i%25 == 0 {
			dt = "NULL"
		}
		rows = append(rows, fmt.Sprintf("('e%d', TIMESTAMP '%s', 'a%d', 'claims', 'c%d', '%s', %s)",
			i, at.Format("2006-01-02 15:04:05"), r.IntN(2), r.IntN(60), eventType, dt))
	}
	statements = append(statements, "INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, event_type, dt) VALUES "+
		strings.Join(rows, ", "))
	for _, s := range statements {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("load facts: %v", err)
		}
	}
	reference := `WITH ranked AS (
  SELECT grain, period, period_start, period_end, account_id, case_id, workflow, occurred_at AS resolved_at,
    handle_time_seconds,
    COUNT(*) OVER (PARTITION BY grain, period, account_id, case_id) AS resolutions,
    ROW_NUMBER() OVER (PARTITION BY grain, period, account_id, case_id ORDER BY occurred_at DESC, event_id DESC) AS resolution_rank
  FROM usage_event_periods WHERE event_type = 'case_resolved' AND case_id IS NOT NULL
),
last_resolutions AS (
  SELECT r.*, s.verification_window_days FROM ranked AS r CROSS JOIN pack_settings AS s WHERE r.resolution_rank = 1
),
reopenings AS (
  SELECT r.grain, r.period, r.account_id, r.case_id, MIN(e.occurred_at) AS reopened_at
  FROM last_resolutions AS r JOIN usage_events AS e
    ON e.account_id = r.account_id AND e.case_id = r.case_id AND e.event_type = 'case_reopened'
    AND e.occurred_at > r.resolved_at AND e.occurred_at <= r.resolved_at + to_days(r.verification_window_days)
  GROUP BY r.grain, r.period, r.account_id, r.case_id
)
SELECT r.grain, r.period, r.period_start, r.period_end, r.account_id, r.case_id, r.workflow, r.resolved_at,
  r.resolutions, r.handle_time_seconds, o.reopened_at, o.reopened_at IS NULL AS verified
FROM last_resolutions AS r LEFT JOIN reopenings AS o
  ON o.grain = r.grain AND o.period = r.period AND o.account_id = r.account_id AND o.case_id = r.case_id`
	if n := compareRows(t, db, "resolved_cases", "SELECT * FROM resolved_cases", reference); n < 100 {
		t.Errorf("resolved_cases: %d rows, want about two per resolved case", n)
	}
	var reopened int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM resolved_cases WHERE NOT verified").Scan(&reopened); err != nil {
		t.Fatal(err)
	}
	if reopened < 20 {
		t.Errorf("%d reopened resolutions, want enough to compare the reopen lookup", reopened)
	}
}
