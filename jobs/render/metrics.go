package render

import (
	"context"
	"database/sql"
)

// metrics is one account_metrics row.
type metrics struct {
	Provisional             bool
	ResolvedCases           int64
	VerifiedResolvedCases   int64
	ReopenedCases           int64
	ReopenRateDeltaPoints   nullFloat
	HandleTimeReduction     nullFloat
	EstimatedCostAvoided    nullDecimal
	ReviewedCases           int64
	ReviewAccuracy          nullFloat
	ActiveUsers             int64
	AuditExportsCompleted   int64
	FeedbackIncorporated    sql.NullInt64 // NULL when learning is not permitted
	EffectiveCost           nullDecimal
	BilledCost              nullDecimal
	Credits                 nullDecimal
	CostPerVerifiedCase     nullDecimal
	Incidents               int64
	BySeverity              BySeverity
	UnresolvedIncidents     int64
	MedianResolutionSeconds nullFloat
}

const metricsQuery = `
SELECT account_id, provisional, resolved_cases, verified_resolved_cases, reopened_cases,
  reopen_rate_delta_pp, handle_time_reduction, estimated_cost_avoided,
  reviewed_cases, review_accuracy, active_users, audit_exports_completed,
  feedback_incorporated, effective_cost, billed_cost, credits,
  cost_per_verified_case, incidents, sev1_incidents, sev2_incidents,
  sev3_incidents, sev4_incidents, other_severity_incidents,
  unresolved_incidents, median_resolution_seconds
FROM %s
WHERE %s
ORDER BY account_id`

// readMetrics reads the account_metrics rows of the batch by account id.
// An account without a fact in the period has no row.
func readMetrics(ctx context.Context, q Querier, b *batch) (map[string]metrics, error) {
	out := map[string]metrics{}
	err := b.eachRow(ctx, q, "account_metrics", metricsQuery, func(rows Rows) error {
		var id string
		var m metrics
		s := &m.BySeverity
		err := rows.Scan(&id,
			&m.Provisional, &m.ResolvedCases, &m.VerifiedResolvedCases, &m.ReopenedCases,
			&m.ReopenRateDeltaPoints, &m.HandleTimeReduction, &m.EstimatedCostAvoided,
			&m.ReviewedCases, &m.ReviewAccuracy, &m.ActiveUsers, &m.AuditExportsCompleted,
			&m.FeedbackIncorporated, &m.EffectiveCost, &m.BilledCost, &m.Credits,
			&m.CostPerVerifiedCase, &m.Incidents, &s.Sev1, &s.Sev2,
			&s.Sev3, &s.Sev4, &s.Other,
			&m.UnresolvedIncidents, &m.MedianResolutionSeconds)
		if _, seen := out[id]; err == nil && !seen {
			out[id] = m
		}
		return err
	})
	return out, err
}

// zeroIfNull turns a NULL amount into zero, which it already holds.
func zeroIfNull(n nullDecimal) nullDecimal {
	n.Valid = true
	return n
}

// newPack fills the single-valued fields of a pack. Money that is NULL
// because the account has no row is shown as zero, except the cost per
// verified case, which stays n/a without a verified case.
func newPack(a account, p Period, m metrics, prov Provenance) *Pack {
	name := a.Name
	if name == "" {
		name = a.ID
	}
	return &Pack{
		Account:     name,
		AccountID:   a.ID,
		Period:      p.Label,
		Provisional: m.Provisional,
		WorkPerformed: Work{
			VerifiedResolvedCases: m.VerifiedResolvedCases,
			ResolvedCases:         m.ResolvedCases,
			ReopenedCases:         m.ReopenedCases,
			ReviewedCases:         m.ReviewedCases,
		},
		Value: Value{
			HandleTimeReduction:  formatPercent(m.HandleTimeReduction),
			ReopenRateDelta:      formatPoints(m.ReopenRateDeltaPoints),
			EstimatedCostAvoided: formatNullMoney(zeroIfNull(m.EstimatedCostAvoided), a.Currency),
		},
		Quality:  Quality{ReviewAccuracy: formatPercent(m.ReviewAccuracy), ReviewedCases: m.ReviewedCases},
		Adoption: Adoption{ActiveUsers: m.ActiveUsers},
		Cost: Cost{
			Currency:            a.Currency,
			Total:               formatNullMoney(zeroIfNull(m.EffectiveCost), a.Currency),
			BilledTotal:         formatNullMoney(zeroIfNull(m.BilledCost), a.Currency),
			CostPerVerifiedCase: formatNullMoney(m.CostPerVerifiedCase, a.Currency),
			Credits:             formatNullMoney(zeroIfNull(m.Credits), a.Currency),
		},
		Trust: Trust{
			Incidents:             m.Incidents,
			BySeverity:            m.BySeverity,
			MedianResolutionTime:  formatDuration(m.MedianResolutionSeconds),
			Unresolved:            m.UnresolvedIncidents,
			AuditExportsCompleted: m.AuditExportsCompleted,
		},
		FeedbackIncorporated:     feedbackCount(m.FeedbackIncorporated),
		FeedbackIncorporatedNote: feedbackNote(m.FeedbackIncorporated),
		Formulas:                 formulas(),
		Provenance:               prov,
	}
}

func feedbackCount(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func feedbackNote(n sql.NullInt64) string {
	if n.Valid {
		return ""
	}
	return FeedbackNotCounted
}
