package render

import (
	"context"
	"database/sql"
	"time"
)

// incidentTimeLayout is RFC 3339 in UTC with whole seconds.
const incidentTimeLayout = "2006-01-02T15:04:05Z"

func readWorkflowQuality(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) { p.Quality.ByWorkflow = []WorkflowQuality{} })
	const query = `
SELECT account_id, workflow, reviewed_cases, review_accuracy FROM %s
WHERE %s AND reviewed_cases > 0
ORDER BY account_id, workflow`
	return b.eachRow(ctx, q, "workflow_metrics", query, func(rows Rows) error {
		var id string
		var w WorkflowQuality
		var accuracy nullFloat
		if err := rows.Scan(&id, &w.Workflow, &w.ReviewedCases, &accuracy); err != nil {
			return err
		}
		w.ReviewAccuracy = formatPercent(accuracy)
		if pack := b.pack(id); pack != nil {
			pack.Quality.ByWorkflow = append(pack.Quality.ByWorkflow, w)
		}
		return nil
	})
}

func readIncidentLog(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) { p.Trust.Log = []Incident{} })
	const query = `
SELECT account_id, COALESCE(incident_id, ''), COALESCE(severity, ''), opened_at, resolved_at,
  COALESCE(status, ''), COALESCE(service, ''), COALESCE(workflow, '')
FROM %s
WHERE %s
ORDER BY account_id, opened_at, incident_id`
	return b.eachRow(ctx, q, "incident_periods", query, func(rows Rows) error {
		var id string
		var i Incident
		var opened time.Time
		var resolved sql.NullTime
		if err := rows.Scan(&id, &i.IncidentID, &i.Severity, &opened, &resolved, &i.Status, &i.Service, &i.Workflow); err != nil {
			return err
		}
		i.OpenedAt = opened.UTC().Format(incidentTimeLayout)
		i.ResolutionTime = "open"
		if resolved.Valid {
			i.ResolvedAt = resolved.Time.UTC().Format(incidentTimeLayout)
			seconds := resolved.Time.Sub(opened).Seconds()
			i.ResolutionTime = formatDuration(nullFloat{Float64: seconds, Valid: true})
		}
		if pack := b.pack(id); pack != nil {
			pack.Trust.Log = append(pack.Trust.Log, i)
		}
		return nil
	})
}

// finalAfter returns the date on which the period's figures become final:
// the period end plus the verification window, the date the provisional
// rule of account_metrics compares data_through with.
// NOTE: account_metrics compares data_through in the account's time zone,
// so for an account east of UTC a pack can turn final a day before this
// UTC date.
func (s settings) finalAfter(p Period) string {
	return p.End.AddDate(0, 0, int(s.VerificationWindowDays)).Format("2006-01-02")
}
