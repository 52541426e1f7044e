package checks

import (
	"evidencepack/jobs/warehouse"
)

// ResultStatements replace the check_results rows of runID with results.
func ResultStatements(runID string, results []Result) []warehouse.Statement {
	stmts := []warehouse.Statement{{Name: "clear check_results of " + runID,
		SQL: "DELETE FROM check_results WHERE run_id = ?", Args: []any{runID}}}
	for _, r := range results {
		var sample any
		if len(r.Sample) > 0 {
			sample = string(r.Sample)
		}
		stmts = append(stmts, warehouse.Statement{
			Name: "check result " + r.Name,
			SQL:  "INSERT INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))",
			Args: []any{runID, r.Name, r.Table, r.Kind, r.Severity, r.Status, r.FailingCount, sample,
				r.SQL, r.Message},
		})
	}
	return stmts
}

// FreshnessStatements replace every source_freshness row with results.
func FreshnessStatements(results []FreshnessResult) []warehouse.Statement {
	stmts := []warehouse.Statement{{Name: "clear source_freshness", SQL: "DELETE FROM source_freshness"}}
	for _, f := range results {
		var note any
		if f.Status == StatusFailed {
			note = f.Note()
		}
		stmts = append(stmts, warehouse.Statement{
			Name: "source_freshness " + f.Source,
			SQL:  "INSERT INTO source_freshness VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?)",
			Args: []any{f.Source, f.Table, f.NewestAt, f.WindowEnd, f.AgeSeconds, f.Status, f.Severity, note},
		})
	}
	return stmts
}
