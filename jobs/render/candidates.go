package render

import (
	"context"
)

func readCandidates(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) { p.ExpansionCandidates = []Candidate{} })
	const query = `
SELECT account_id, workflow, kind, from_level, to_level, reviewed_cases, review_accuracy, incidents,
  sev1_incidents, resolved_cases, first_month_resolved_cases, last_month_resolved_cases,
  usage_growth, trial
FROM %s
WHERE %s
ORDER BY account_id, workflow, kind`
	return b.eachRow(ctx, q, "expansion_candidates", query, func(rows Rows) error {
		var id string
		var c Candidate
		var from, to nullString
		var accuracy, growth nullFloat
		var first, last nullInt
		e := &c.Evidence
		err := rows.Scan(&id, &c.Workflow, &c.Kind, &from, &to, &e.ReviewedCases, &accuracy, &e.Incidents,
			&e.Sev1Incidents, &e.ResolvedCases, &first, &last, &growth, &e.Trial)
		if err != nil {
			return err
		}
		c.FromLevel, c.ToLevel = from.String, to.String
		e.ReviewAccuracy = formatPercent(accuracy)
		e.FirstMonthResolvedCases = intPointer(first)
		e.LastMonthResolvedCases = intPointer(last)
		if growth.Valid {
			e.UsageGrowth = formatPercent(growth)
		}
		if pack := b.pack(id); pack != nil {
			pack.ExpansionCandidates = append(pack.ExpansionCandidates, c)
		}
		return nil
	})
}

func intPointer(n nullInt) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}
