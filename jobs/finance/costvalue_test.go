package finance

import (
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	evsql "evidencepack/sql"
)

// costValueInput has two accounts whose names look like spreadsheet
// formulas, a credit, a line in a second currency and an unattributed line.
const costValueInput = `
INSERT INTO accounts (account_id, name, currency) VALUES
  ('neg', '-Minus Corp', 'USD'),
  ('formula', '=HYPERLINK("http://example.test","x")', 'EUR');
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-09-30 23:59:59.999999', 50, 0.95, 0, 2, 0.5);
INSERT INTO cost_lines (line_id, charge_period_start, account_id, charge_category, billed_cost,
  effective_cost, currency, commitment_purchase, source, dt) VALUES
  ('l1', TIMESTAMP '2026-07-03 00:00:00', 'neg', 'Usage', 10.5, 10.5, 'USD', FALSE, 'bill', DATE '2026-07-03'),
  ('l2', TIMESTAMP '2026-07-04 00:00:00', 'neg', 'Credit', -2.25, -2.25, 'USD', FALSE, 'bill', DATE '2026-07-04'),
  ('l3', TIMESTAMP '2026-08-01 00:00:00', 'formula', 'Usage', 1.1, 1.1, 'EUR', FALSE, 'bill', DATE '2026-08-01'),
  ('l4', TIMESTAMP '2026-08-02 00:00:00', 'formula', 'Usage', 3, 3, 'USD', FALSE, 'bill', DATE '2026-08-02'),
  ('l5', TIMESTAMP '2026-09-30 23:00:00', 'unattributed', 'Usage', 0.000000000000000001, 0.000000000000000001,
   'USD', FALSE, 'bill', DATE '2026-09-30');
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, event_type, source, dt) VALUES
  ('e1', TIMESTAMP '2026-07-10 09:00:00', 'neg', 'claims', 'c1', 'case_resolved', 'app', DATE '2026-07-10');
`

func costValueDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := evsql.Apply(ctx, db, evsql.DuckDB()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, costValueInput); err != nil {
		t.Fatalf("load input: %v", err)
	}
	return db
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return records
}

func TestCostValueCSV(t *testing.T) {
	db := costValueDB(t)
	path, err := WriteCostValue(context.Background(), DuckDBStore(db), q3, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	records := readCSV(t, path)
	if !slices.Equal(records[0], costValueHeader) {
		t.Fatalf("header = %v, want %v", records[0], costValueHeader)
	}
	got := map[string][]string{}
	for _, r := range records[1:] {
		got[r[1]+" "+r[2]+" "+r[4]] = r
	}
	if len(records)-1 != 4*3 {
		t.Errorf("rows = %d, want 12: four account and currency pairs times three months", len(records)-1)
	}
	want := map[string]string{
		"2026-07 neg USD":          "2026-Q3,2026-07,neg,'-Minus Corp,USD,8.25,8.25,-2.25,1,0,8.25,false",
		"2026-08 neg USD":          "2026-Q3,2026-08,neg,'-Minus Corp,USD,0,0,0,0,0,,false",
		"2026-08 formula EUR":      `2026-Q3,2026-08,formula,'=HYPERLINK("http://example.test","x"),EUR,1.1,1.1,0,0,0,,false`,
		"2026-08 formula USD":      `2026-Q3,2026-08,formula,'=HYPERLINK("http://example.test","x"),USD,3,3,0,,,,false`,
		"2026-09 unattributed USD": "2026-Q3,2026-09,unattributed,,USD,0.000000000000000001,0.000000000000000001,0,,,,true",
	}
	for key, line := range want {
		row, ok := got[key]
		if !ok {
			t.Errorf("no row for %s", key)
			continue
		}
		if joined := strings.Join(row, ","); joined != line {
			t.Errorf("row %s:\n got %s\nwant %s", key, joined, line)
		}
	}
}

func TestSafeText(t *testing.T) {
	cases := map[string]string{
		"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-Minus": "'-Minus", "@cmd": "'@cmd",
		"\tx": "'\tx", "Acme": "Acme", "": "", "a=b": "a=b",
	}
	for in, want := range cases {
		if got := SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	cases := []struct {
		label, start, end string
		months            int
	}{
		{"2026-Q3", "2026-07-01", "2026-10-01", 3},
		{"2026-Q4", "2026-10-01", "2027-01-01", 3},
		{"2026-02", "2026-02-01", "2026-03-01", 1},
	}
	for _, c := range cases {
		p, err := ParsePeriod(c.label)
		if err != nil {
			t.Fatalf("ParsePeriod(%s): %v", c.label, err)
		}
		if got := p.Start.Format("2006-01-02"); got != c.start {
			t.Errorf("%s start = %s, want %s", c.label, got, c.start)
		}
		if got := p.End.Format("2006-01-02"); got != c.end {
			t.Errorf("%s end = %s, want %s", c.label, got, c.end)
		}
		if got := len(p.Months()); got != c.months {
			t.Errorf("%s months = %d, want %d", c.label, got, c.months)
		}
	}
	for _, bad := range []string{"2026-Q5", "2026-13", "26-Q1", "2026Q1"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%s) accepted an invalid label", bad)
		}
	}
}
