package render

type figureFunc = func(label, value, key string) figure

// headlineFigures are the cards at the top of the page. Without cost lines
// the cost cards say so instead of showing zeros.
func headlineFigures(p *Pack, fig figureFunc) []figure {
	total, perCase := p.Cost.Total, p.Cost.CostPerVerifiedCase
	if p.Cost.Lines == 0 {
		total, perCase = "no cost lines", notAvailable
	}
	return []figure{
		fig("Verified resolved cases", count(p.WorkPerformed.VerifiedResolvedCases), "verified_resolved_cases"),
		fig("Handle time reduction", p.Value.HandleTimeReduction, "handle_time_reduction"),
		fig("Estimated cost avoided", p.Value.EstimatedCostAvoided, "estimated_cost_avoided"),
		fig("Review accuracy", p.Quality.ReviewAccuracy, "review_accuracy"),
		fig("Active users", count(p.Adoption.ActiveUsers), "active_users"),
		fig("Total cost", total, "cost_total"),
		fig("Cost per verified case", perCase, "cost_per_verified_case"),
		fig("Incidents opened", count(p.Trust.Incidents), "incidents"),
	}
}

func workFigures(p *Pack, fig figureFunc) []figure {
	w := p.WorkPerformed
	return []figure{
		fig("Verified resolved cases", count(w.VerifiedResolvedCases), "verified_resolved_cases"),
		fig("Resolved cases", count(w.ResolvedCases), "resolved_cases"),
		fig("Reopened inside the verification window", count(w.ReopenedCases), "reopened_cases"),
		fig("Reviewed cases", count(w.ReviewedCases), "reviewed_cases"),
	}
}

func valueFigures(p *Pack, fig figureFunc) []figure {
	return []figure{
		fig("Handle time reduction", p.Value.HandleTimeReduction, "handle_time_reduction"),
		fig("Reopen rate against baseline", p.Value.ReopenRateDelta, "reopen_rate_delta"),
		fig("Estimated cost avoided", p.Value.EstimatedCostAvoided, "estimated_cost_avoided"),
	}
}

func qualityFigures(p *Pack, fig figureFunc) []figure {
	return []figure{
		fig("Review accuracy", p.Quality.ReviewAccuracy, "review_accuracy"),
		fig("Reviewed cases", count(p.Quality.ReviewedCases), "reviewed_cases"),
		fig("Feedback incorporated (labels)", feedbackText(p), "feedback_incorporated"),
	}
}

func adoptionFigures(p *Pack, fig figureFunc) []figure {
	return []figure{fig("Active users", count(p.Adoption.ActiveUsers), "active_users")}
}

func costFigures(p *Pack, fig figureFunc) []figure {
	c := p.Cost
	return []figure{
		fig("Total cost", c.Total, "cost_total"),
		fig("Billed total", c.BilledTotal, "billed_total"),
		fig("Credits", c.Credits, "credits"),
		fig("Cost per verified case", c.CostPerVerifiedCase, "cost_per_verified_case"),
		fig("Estimated cost avoided", p.Value.EstimatedCostAvoided, "estimated_cost_avoided"),
	}
}

func trustFigures(p *Pack, fig figureFunc) []figure {
	t := p.Trust
	s := t.BySeverity
	return []figure{
		fig("Incidents opened", count(t.Incidents), "incidents"),
		fig("By severity (sev1 / sev2 / sev3 / sev4 / other)",
			count(s.Sev1)+" / "+count(s.Sev2)+" / "+count(s.Sev3)+" / "+count(s.Sev4)+" / "+count(s.Other), "incidents"),
		fig("Median resolution time", t.MedianResolutionTime, "median_resolution_time"),
		fig("Unresolved", count(t.Unresolved), "unresolved_incidents"),
	}
}

func auditFigures(p *Pack, fig figureFunc) []figure {
	return []figure{fig("Audit exports completed", count(p.Trust.AuditExportsCompleted), "audit_exports_completed")}
}

// feedbackText returns the feedback count, or the note when the account
// does not permit learning from its data.
func feedbackText(p *Pack) string {
	if p.FeedbackIncorporated == nil {
		return p.FeedbackIncorporatedNote
	}
	return count(*p.FeedbackIncorporated)
}
