package render

import "fmt"

// htmlCharts are the charts of the HTML pack. A chart whose section has no
// data is left out and the section says so.
type htmlCharts struct {
	VerifiedCases   barChart
	HandleTime      barChart
	CostAvoided     barChart
	ActiveUsers     barChart
	CostBesideValue barChart
	ReviewAccuracy  hbarChart
	Incidents       timelineChart
}

func newHTMLCharts(p *Pack, per Period) htmlCharts {
	months := make([]string, len(p.Value.Trend))
	for i, t := range p.Value.Trend {
		months[i] = t.Month
	}
	return htmlCharts{
		VerifiedCases:   verifiedCasesChart(p, months),
		HandleTime:      handleTimeChart(p, months),
		CostAvoided:     costAvoidedChart(p, months),
		ActiveUsers:     activeUsersChart(p),
		CostBesideValue: costBesideValueChart(p),
		ReviewAccuracy:  reviewAccuracyChart(p),
		Incidents:       newTimeline(p.Trust.Log, per.Start, per.End),
	}
}

// measured returns a chart value from a pack figure.
func measured(text, title string) chartValue {
	v, ok := chartNumber(text)
	return chartValue{Value: v, OK: ok, Text: text, Title: title}
}

func verifiedCasesChart(p *Pack, months []string) barChart {
	values := make([]chartValue, len(p.Value.Trend))
	for i, t := range p.Value.Trend {
		values[i] = measured(count(t.VerifiedResolvedCases),
			fmt.Sprintf("%s: %d verified resolved cases. %s", t.Month, t.VerifiedResolvedCases, p.Formulas["verified_resolved_cases"]))
	}
	return newBarChart(smallChartWidth, "Verified resolved cases by month", "Count of verified resolved cases per month.", "count",
		months, []chartSeries{{Name: "Verified resolved cases", Class: "series-work", Values: values}})
}

func handleTimeChart(p *Pack, months []string) barChart {
	values := make([]chartValue, len(p.Value.Trend))
	for i, t := range p.Value.Trend {
		values[i] = measured(t.HandleTimeReduction,
			fmt.Sprintf("%s: handle time reduction %s. %s", t.Month, t.HandleTimeReduction, p.Formulas["handle_time_reduction"]))
	}
	return newBarChart(smallChartWidth, "Handle time reduction by month", "Handle time reduction against the baseline per month.", "percent",
		months, []chartSeries{{Name: "Handle time reduction", Class: "series-value", Values: values}})
}

func costAvoidedChart(p *Pack, months []string) barChart {
	values := make([]chartValue, len(p.Value.Trend))
	for i, t := range p.Value.Trend {
		values[i] = measured(t.EstimatedCostAvoided,
			fmt.Sprintf("%s: estimated cost avoided %s. %s", t.Month, t.EstimatedCostAvoided, p.Formulas["estimated_cost_avoided"]))
	}
	return newBarChart(smallChartWidth, "Estimated cost avoided by month", "Estimated cost avoided per month in "+p.Cost.Currency+".",
		p.Cost.Currency, months, []chartSeries{{Name: "Estimated cost avoided", Class: "series-value", Values: values}})
}

func activeUsersChart(p *Pack) barChart {
	months := make([]string, len(p.Adoption.Trend))
	values := make([]chartValue, len(p.Adoption.Trend))
	for i, t := range p.Adoption.Trend {
		months[i] = t.Month
		values[i] = measured(count(t.ActiveUsers),
			fmt.Sprintf("%s: %d active users. %s", t.Month, t.ActiveUsers, p.Formulas["active_users"]))
	}
	return newBarChart(chartWidth, "Active users by month", "Distinct active users per month.", "count",
		months, []chartSeries{{Name: "Active users", Class: "series-adoption", Values: values}})
}

func costBesideValueChart(p *Pack) barChart {
	months := make([]string, len(p.Cost.Trend))
	costs := make([]chartValue, len(p.Cost.Trend))
	avoided := make([]chartValue, len(p.Cost.Trend))
	for i, t := range p.Cost.Trend {
		months[i] = t.Month
		costs[i] = measured(t.Total, fmt.Sprintf("%s: total cost %s. %s", t.Month, t.Total, p.Formulas["cost_total"]))
		avoided[i] = measured(t.EstimatedCostAvoided,
			fmt.Sprintf("%s: estimated cost avoided %s. %s", t.Month, t.EstimatedCostAvoided, p.Formulas["estimated_cost_avoided"]))
	}
	return newBarChart(chartWidth, "Cost beside estimated cost avoided by month",
		"Paired bars per month: total cost and estimated cost avoided in "+p.Cost.Currency+".", p.Cost.Currency, months,
		[]chartSeries{
			{Name: "Total cost", Class: "series-cost", Values: costs},
			{Name: "Estimated cost avoided", Class: "series-value", Values: avoided},
		})
}

func reviewAccuracyChart(p *Pack) hbarChart {
	labels := make([]string, len(p.Quality.ByWorkflow))
	values := make([]chartValue, len(p.Quality.ByWorkflow))
	for i, w := range p.Quality.ByWorkflow {
		labels[i] = w.Workflow
		values[i] = measured(w.ReviewAccuracy, fmt.Sprintf("%s: review accuracy %s over %d reviewed cases. %s",
			w.Workflow, w.ReviewAccuracy, w.ReviewedCases, p.Formulas["review_accuracy"]))
	}
	return newPercentBars("Review accuracy by workflow", "Share of reviewed cases whose latest verdict is correct, per workflow.",
		labels, values)
}
