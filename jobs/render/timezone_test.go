package render

import (
	"context"
	"database/sql"
	"testing"

	evsql "evidencepack/sql"
)

// openZoneCase returns a warehouse with two accounts, one in
// America/Los_Angeles and one in UTC, each with a case resolved at
// 2026-10-01 06:30 UTC, which is 2026-09-30 23:30 in Los Angeles. The UTC
// account also has a case resolved at 2026-09-30 23:30 UTC.
func openZoneCase(t *testing.T) *sql.DB {
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
	_, err = db.ExecContext(ctx, `
INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 2, 0.9, 0, 1, 0.5);
INSERT INTO accounts VALUES
  ('west', 'West Co', 'USD', NULL, NULL, FALSE, 'America/Los_Angeles'),
  ('zulu', 'Zulu Co', 'USD', NULL, NULL, FALSE, 'UTC');
INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type) VALUES
  ('w1', TIMESTAMP '2026-10-01 06:30:00', 'west', 'claims', 'c1', 'u1', 'case_resolved'),
  ('z1', TIMESTAMP '2026-10-01 06:30:00', 'zulu', 'claims', 'c1', 'u1', 'case_resolved'),
  ('z2', TIMESTAMP '2026-09-30 23:30:00', 'zulu', 'claims', 'c2', 'u1', 'case_resolved');`)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestPeriodsFollowAccountZone(t *testing.T) {
	db := openZoneCase(t)
	cases := []struct {
		account, period string
		want            int64
	}{
		{"west", "2026-Q3", 1},
		{"west", "2026-09", 1},
		{"west", "2026-Q4", 0},
		{"west", "2026-10", 0},
		{"zulu", "2026-Q3", 1},
		{"zulu", "2026-Q4", 1},
		{"zulu", "2026-10", 1},
	}
	for _, c := range cases {
		p := buildPack(t, db, c.account, c.period)
		if p.WorkPerformed.ResolvedCases != c.want {
			t.Errorf("%s %s: resolved cases = %d, want %d", c.account, c.period, p.WorkPerformed.ResolvedCases, c.want)
		}
	}
}

func TestAccountPeriodsInAccountZone(t *testing.T) {
	db := openZoneCase(t)
	west, err := Periods(context.Background(), db, "west", "quarter")
	if err != nil {
		t.Fatal(err)
	}
	if len(west) != 1 || west[0] != "2026-Q3" {
		t.Errorf("west quarters = %v, want [2026-Q3]", west)
	}
	zulu, err := Periods(context.Background(), db, "zulu", "quarter")
	if err != nil {
		t.Fatal(err)
	}
	if len(zulu) != 2 || zulu[0] != "2026-Q3" || zulu[1] != "2026-Q4" {
		t.Errorf("zulu quarters = %v, want [2026-Q3 2026-Q4]", zulu)
	}
}

func TestNullZoneCountsAsUTC(t *testing.T) {
	db := openZoneCase(t)
	if _, err := db.ExecContext(context.Background(), "UPDATE accounts SET time_zone = NULL WHERE account_id = 'west'"); err != nil {
		t.Fatal(err)
	}
	p := buildPack(t, db, "west", "2026-Q4")
	if p.WorkPerformed.ResolvedCases != 1 {
		t.Errorf("west 2026-Q4 without a zone: resolved cases = %d, want 1", p.WorkPerformed.ResolvedCases)
	}
}
