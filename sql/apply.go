package sql

import (
	"context"
	gosql "database/sql"
	"fmt"
)

// Apply creates the tables and then the views in a database/sql
// connection, such as the embedded DuckDB warehouse. Tables that exist are
// kept with their rows; views are replaced.
func Apply(ctx context.Context, db *gosql.DB, d Dialect) error {
	tables, err := Tables(d)
	if err != nil {
		return err
	}
	views, err := Views(d)
	if err != nil {
		return err
	}
	for _, st := range append(tables, views...) {
		if _, err := db.ExecContext(ctx, st.SQL); err != nil {
			return fmt.Errorf("create %s: %w", st.Name, err)
		}
	}
	return nil
}
