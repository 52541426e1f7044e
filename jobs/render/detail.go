package render

import (
	"context"
	"database/sql"
	"time"
)

// incidentTimeLayout is RFC 3339 in UTC with whole seconds.
const incidentTimeLayout = "2006-01-02T15:04:05Z"

func readWorkflowQuality(ctx context.Context, db *sql.DB, p period, pack *Pack, _ string) error {
	pack.Quality.ByWorkflow = []WorkflowQuality{}
	const query = `
SELECT workflow, reviewed_cases, review_accuracy FROM workflow_metrics
WHERE grain = ? AND period = ? AND account_id = ? AND reviewed_cases > 0
ORDER BY workflow`
	return eachRow(ctx, db, "workflow_metrics", query, []any{p.Grain, p.Label, pack.AccountID}, func(rows *sql.Rows) error {
		var w WorkflowQuality
		var accuracy nullFloat
		if err := rows.Scan(&w.Workflow, &w.ReviewedCases, &accuracy); err != nil {
			return err
		}
		w.ReviewAccuracy = formatPercent(accuracy)
		pack.Quality.ByWorkflow = append(pack.Quality.ByWorkflow, w)
		return nil
	})
}

func readIncidentLog(ctx context.Context, db *sql.DB, p period, pack *Pack, _ string) error {
	pack.Trust.Log = []Incident{}
	const query = `
SELECT COALESCE(incident_id, ''), COALESCE(severity, ''), opened_at, resolved_at,
  COALESCE(status, ''), COALESCE(service, ''), COALESCE(workflow, '')
FROM incident_periods
WHERE grain = ? AND period = ? AND account_id = ?
ORDER BY opened_at, incident_id`
	return eachRow(ctx, db, "incident_periods", query, []any{p.Grain, p.Label, pack.AccountID}, func(rows *sql.Rows) error {
		var i Incident
		var opened time.Time
		var resolved sql.NullTime
		if err := rows.Scan(&i.IncidentID, &i.Severity, &opened, &resolved, &i.Status, &i.Service, &i.Workflow); err != nil {
			return err
		}
		i.OpenedAt = opened.UTC().Format(incidentTimeLayout)
		i.ResolutionTime = "open"
		if resolved.Valid {
			i.ResolvedAt = resolved.Time.UTC().Format(incidentTimeLayout)
			seconds := resolved.Time.Sub(opened).Seconds()
			i.ResolutionTime = formatDuration(nullFloat{Float64: seconds, Valid: true})
		}
		pack.Trust.Log = append(pack.Trust.Log, i)
		return nil
	})
}

func readCostLines(ctx context.Context, db *sql.DB, p period, pack *Pack, currency string) error {
	const query = `
SELECT COALESCE(SUM(cost_lines), 0) FROM cost_by_currency
WHERE grain = ? AND period = ? AND account_id = ? AND currency = ?`
	return eachRow(ctx, db, "cost_by_currency", query, []any{p.Grain, p.Label, pack.AccountID, currency}, func(rows *sql.Rows) error {
		return rows.Scan(&pack.Cost.Lines)
	})
}

// finalAfter returns the date on which the period's figures become final:
// the period end plus the verification window, the date the provisional
// rule of account_metrics compares data_through with.
func (s settings) finalAfter(p period) string {
	return p.End.AddDate(0, 0, int(s.VerificationWindowDays)).Format("2006-01-02")
}
