package render

import (
	"context"
	"database/sql"
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
