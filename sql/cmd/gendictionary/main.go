// Command gendictionary writes the data dictionary of the warehouse
// tables and views, built in an in-memory DuckDB database, to a Markdown
// file.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"

	_ "github.com/duckdb/duckdb-go/v2"

	evsql "evidencepack/sql"
)

func main() {
	out := flag.String("o", "docs/data-dictionary.md", "path of the Markdown file to write")
	flag.Parse()
	if err := generate(context.Background(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendictionary:", err)
		os.Exit(1)
	}
}

func generate(ctx context.Context, path string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("open in-memory duckdb: %w", err)
	}
	defer db.Close()
	if err := evsql.Apply(ctx, db, evsql.DuckDB()); err != nil {
		return err
	}
	text, err := evsql.Dictionary(ctx, db)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, text, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
