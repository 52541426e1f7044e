package checks

import (
	"evidencepack/jobs/warehouse"
)

// ResultRows returns the check_results rows of runID.
func ResultRows(runID string, results []Result) []warehouse.CheckResultRow {
	out := make([]warehouse.CheckResultRow, len(results))
	for i, r := range results {
		out[i] = warehouse.CheckResultRow{RunID: runID, CheckName: r.Name, TableName: r.Table, Kind: r.Kind,
			Severity: r.Severity, Status: r.Status, FailingCount: r.FailingCount, Sample: string(r.Sample),
			SQL: r.SQL, Message: r.Message}
	}
	return out
}

// FreshnessRows returns the source_freshness rows of results. A source
// that failed gets the note that packs carry.
func FreshnessRows(results []FreshnessResult) []warehouse.FreshnessRow {
	out := make([]warehouse.FreshnessRow, len(results))
	for i, f := range results {
		out[i] = warehouse.FreshnessRow{Source: f.Source, TableName: f.Table, NewestAt: f.NewestAt,
			WindowEnd: f.WindowEnd, AgeSeconds: f.AgeSeconds, Status: f.Status, Severity: f.Severity}
		if f.Status == StatusFailed {
			out[i].Note = f.Note()
		}
	}
	return out
}

// ResultStatements replace the check_results rows of runID with results.
func ResultStatements(runID string, results []Result) []warehouse.Statement {
	stmts := []warehouse.Statement{{Name: "clear check_results of " + runID,
		SQL: "DELETE FROM check_results WHERE run_id = ?", Args: []any{runID}}}
	for _, r := range ResultRows(runID, results) {
		stmts = append(stmts, warehouse.Statement{
			Name: "check result " + r.CheckName,
			SQL:  "INSERT INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))",
			Args: []any{r.RunID, r.CheckName, r.TableName, r.Kind, r.Severity, r.Status, r.FailingCount,
				nullIfEmpty(r.Sample), r.SQL, r.Message},
		})
	}
	return stmts
}

// FreshnessStatements replace every source_freshness row with results.
func FreshnessStatements(results []FreshnessResult) []warehouse.Statement {
	stmts := []warehouse.Statement{{Name: "clear source_freshness", SQL: "DELETE FROM source_freshness"}}
	for _, f := range FreshnessRows(results) {
		stmts = append(stmts, warehouse.Statement{
			Name: "source_freshness " + f.Source,
			SQL:  "INSERT INTO source_freshness VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?)",
			Args: []any{f.Source, f.TableName, f.NewestAt, f.WindowEnd, f.AgeSeconds, f.Status, f.Severity,
				nullIfEmpty(f.Note)},
		})
	}
	return stmts
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
