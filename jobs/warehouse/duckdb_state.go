package warehouse

import "context"

// sourceStateTable keeps one row per live source and key in DuckDB: the
// load transaction replaces the row, so a mark advances only with the
// facts read up to it.
var sourceStateTable = Statement{Name: "source_state", SQL: `CREATE TABLE IF NOT EXISTS source_state (
  source VARCHAR,
  key VARCHAR,
  value VARCHAR,
  run_id VARCHAR,
  updated_at TIMESTAMP
)`}

// ReadSourceState returns the marks stored for a source, creating the
// source_state table on first use.
func (w *DuckDB) ReadSourceState(ctx context.Context, source string) (map[string]string, error) {
	if err := w.Exec(ctx, []Statement{sourceStateTable}); err != nil {
		return nil, err
	}
	return readSourceState(ctx, w, w.Dialect(), source)
}

// sourceStateStatements replace the stored row of each mark. They run in
// the load transaction.
func sourceStateStatements(runID string, marks []SourceMark) []Statement {
	if len(marks) == 0 {
		return nil
	}
	stmts := []Statement{sourceStateTable}
	for _, m := range marks {
		stmts = append(stmts,
			Statement{Name: "clear source_state " + m.Source + "/" + m.Key,
				SQL: "DELETE FROM source_state WHERE source = ? AND key = ?", Args: []any{m.Source, m.Key}},
			Statement{Name: "source_state " + m.Source + "/" + m.Key,
				SQL:  "INSERT INTO source_state VALUES (?, ?, ?, ?, ?)",
				Args: []any{m.Source, m.Key, m.Value, runID, m.UpdatedAt.UTC()}})
	}
	return stmts
}
