package warehouse

import (
	"context"
	"path/filepath"
	"testing"

	evsql "evidencepack/sql"
)

// loadedWarehouse returns a DuckDB warehouse with its tables and the views
// of this version, created by one load.
func loadedWarehouse(t *testing.T) (*DuckDB, []Statement) {
	t.Helper()
	ctx := context.Background()
	w, err := OpenDuckDB(ctx, filepath.Join(t.TempDir(), "warehouse.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	rendered, err := evsql.Views(evsql.DuckDB())
	if err != nil {
		t.Fatal(err)
	}
	views := make([]Statement, len(rendered))
	for i, v := range rendered {
		views[i] = Statement{Name: v.Name, SQL: v.SQL}
	}
	if err := w.Load(ctx, Batch{RunID: "run-a", Views: views}); err != nil {
		t.Fatal(err)
	}
	return w, views
}

func TestViewStatements(t *testing.T) {
	tests := []struct {
		name string
		// change alters the warehouse or the views after the first load.
		change     func(t *testing.T, w *DuckDB, views []Statement) []Statement
		wantCreate bool
	}{
		{
			name:   "unchanged",
			change: func(t *testing.T, w *DuckDB, views []Statement) []Statement { return views },
		},
		{
			name: "view replaced by hand",
			change: func(t *testing.T, w *DuckDB, views []Statement) []Statement {
				exec(t, w, "CREATE OR REPLACE VIEW periods AS SELECT 'quarter' AS grain")
				return views
			},
			wantCreate: true,
		},
		{
			name: "view dropped",
			change: func(t *testing.T, w *DuckDB, views []Statement) []Statement {
				exec(t, w, "DROP VIEW data_quality_notes")
				return views
			},
			wantCreate: true,
		},
		{
			name: "table column added",
			change: func(t *testing.T, w *DuckDB, views []Statement) []Statement {
				exec(t, w, "ALTER TABLE usage_events ADD COLUMN note VARCHAR")
				return views
			},
			wantCreate: true,
		},
		{
			name: "view text changed",
			change: func(t *testing.T, w *DuckDB, views []Statement) []Statement {
				changed := append([]Statement(nil), views...)
				changed[0].SQL += "\n-- changed"
				return changed
			},
			wantCreate: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, views := loadedWarehouse(t)
			views = tt.change(t, w, views)
			stmts, err := w.viewStatements(context.Background(), views)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.wantCreate {
				if len(stmts) != 0 {
					t.Errorf("%d statements for up-to-date views, want none", len(stmts))
				}
				return
			}
			// Every view is created, then commented.
			if len(stmts) != 2*len(views) {
				t.Fatalf("%d statements, want %d", len(stmts), 2*len(views))
			}
			for i, v := range views {
				if stmts[i].SQL != v.SQL {
					t.Errorf("statement %d is %s, want the view %s", i, stmts[i].Name, v.Name)
				}
			}
		})
	}
}

func TestLoadRestoresReplacedView(t *testing.T) {
	w, views := loadedWarehouse(t)
	ctx := context.Background()
	exec(t, w, "CREATE OR REPLACE VIEW periods AS SELECT 1 AS grain")
	if err := w.Load(ctx, Batch{RunID: "run-b", Views: views}); err != nil {
		t.Fatal(err)
	}
	var columns int
	if err := w.db.QueryRowContext(ctx, "SELECT count(*) FROM (DESCRIBE periods)").Scan(&columns); err != nil {
		t.Fatal(err)
	}
	if columns != 4 {
		t.Errorf("periods has %d columns after the load, want the view's 4", columns)
	}
	stmts, err := w.viewStatements(ctx, views)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 0 {
		t.Errorf("%d view statements after the load, want none", len(stmts))
	}
}

func exec(t *testing.T, w *DuckDB, query string) {
	t.Helper()
	if _, err := w.db.ExecContext(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
