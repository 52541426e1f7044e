package render

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"evidencepack/jobs/render/internal/synthetic"
)

// openSynthetic returns an in-memory warehouse with the views and the
// synthetic facts of accounts accounts (see package synthetic).
func openSynthetic(tb testing.TB, accounts int) *sql.DB {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := synthetic.Load(context.Background(), db, accounts); err != nil {
		tb.Fatal(err)
	}
	return db
}

// syntheticID returns the id of the i-th synthetic account.
func syntheticID(i int) string {
	return synthetic.ID(i)
}

// TestEmptyPeriodNote builds the packs of a quarter with facts and of one
// without: only the packs of the empty quarter carry the note that their
// zeros are missing data.
func TestEmptyPeriodNote(t *testing.T) {
	db := openSynthetic(t, 3)
	tests := []struct {
		period   string
		wantNote bool
	}{
		{period: "2026-Q3", wantNote: false},
		{period: "2026-Q1", wantNote: true},
	}
	for _, tt := range tests {
		t.Run(tt.period, func(t *testing.T) {
			packs, err := BuildAll(context.Background(), db, tt.period, testProvenance)
			if err != nil {
				t.Fatal(err)
			}
			if len(packs) != 3 {
				t.Fatalf("built %d packs, want 3", len(packs))
			}
			for _, p := range packs {
				noted := slices.ContainsFunc(p.DataQualityNotes, func(n string) bool {
					return strings.Contains(n, "no usage event, review label, cost line or incident") &&
						strings.Contains(n, tt.period)
				})
				if noted != tt.wantNote {
					t.Errorf("%s %s: empty period note %v, want %v (notes %q)",
						p.AccountID, tt.period, noted, tt.wantNote, p.DataQualityNotes)
				}
			}
		})
	}
}
