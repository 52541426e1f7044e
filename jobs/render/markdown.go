package render

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// appendMarkdown appends a one-page Markdown report of the pack to dst.
// Formulas are footnotes of the figures they define.
func appendMarkdown(dst []byte, p *Pack) []byte {
	b := bytes.NewBuffer(dst)
	status := "final"
	if p.Provisional {
		status = "provisional: the verification window is still open"
	}
	fmt.Fprintf(b, "# Renewal evidence: %s, %s\n\n", mdText(p.Account), p.Period)
	fmt.Fprintf(b, "Account id `%s`, status %s.[^provisional]\n\n", p.AccountID, status)
	writeWork(b, p)
	writeValue(b, p)
	writeQuality(b, p)
	writeAdoption(b, p)
	writeCost(b, p)
	writeTrust(b, p)
	writeCandidates(b, p)
	writeNotes(b, p)
	writeProvenance(b, p)
	writeFormulas(b, p)
	return b.Bytes()
}

func writeWork(b *bytes.Buffer, p *Pack) {
	w := p.WorkPerformed
	b.WriteString("## Work performed\n\n")
	fmt.Fprintf(b, "- Verified resolved cases: %d[^verified_resolved_cases]\n", w.VerifiedResolvedCases)
	fmt.Fprintf(b, "- Resolved cases: %d, reopened inside the window: %d\n", w.ResolvedCases, w.ReopenedCases)
	fmt.Fprintf(b, "- Reviewed cases: %d[^reviewed_cases]\n\n", w.ReviewedCases)
}

func writeValue(b *bytes.Buffer, p *Pack) {
	v := p.Value
	b.WriteString("## Value\n\n")
	fmt.Fprintf(b, "- Handle time reduction: %s[^handle_time_reduction]\n", v.HandleTimeReduction)
	fmt.Fprintf(b, "- Reopen rate against baseline: %s[^reopen_rate_delta]\n", v.ReopenRateDelta)
	fmt.Fprintf(b, "- Estimated cost avoided: %s[^estimated_cost_avoided]\n\n", v.EstimatedCostAvoided)
	rows := make([][]string, len(v.Trend))
	for i, t := range v.Trend {
		rows[i] = []string{t.Month, fmt.Sprint(t.VerifiedResolvedCases), t.HandleTimeReduction, t.EstimatedCostAvoided}
	}
	writeTable(b, []string{"Month", "Verified resolved cases", "Handle time reduction", "Cost avoided"}, rows)
}

func writeQuality(b *bytes.Buffer, p *Pack) {
	q := p.Quality
	b.WriteString("## Quality\n\n")
	if q.ReviewedCases == 0 {
		b.WriteString(noReviewLabels + "\n\n")
		return
	}
	fmt.Fprintf(b, "- Review accuracy: %s over %d reviewed cases[^review_accuracy]\n\n", q.ReviewAccuracy, q.ReviewedCases)
	rows := make([][]string, len(q.TopFailureCategories))
	for i, c := range q.TopFailureCategories {
		rows[i] = []string{mdText(c.Category), fmt.Sprint(c.Cases)}
	}
	writeTable(b, []string{"Top failure category", "Cases"}, rows)
	rows = make([][]string, len(q.ByWorkflow))
	for i, w := range q.ByWorkflow {
		rows[i] = []string{mdText(w.Workflow), fmt.Sprint(w.ReviewedCases), w.ReviewAccuracy}
	}
	writeTable(b, []string{"Workflow", "Reviewed cases", "Review accuracy"}, rows)
}

func writeAdoption(b *bytes.Buffer, p *Pack) {
	b.WriteString("## Adoption\n\n")
	fmt.Fprintf(b, "- Active users: %d[^active_users]\n\n", p.Adoption.ActiveUsers)
	rows := make([][]string, len(p.Adoption.Trend))
	for i, t := range p.Adoption.Trend {
		rows[i] = []string{t.Month, fmt.Sprint(t.ActiveUsers)}
	}
	writeTable(b, []string{"Month", "Active users"}, rows)
}

func writeCost(b *bytes.Buffer, p *Pack) {
	c := p.Cost
	fmt.Fprintf(b, "## Cost (%s)\n\n", c.Currency)
	if c.Lines == 0 {
		b.WriteString(noCostLinesText(c) + "\n\n")
		writeOtherCurrencies(b, c)
		return
	}
	fmt.Fprintf(b, "- Total cost: %s[^cost_total]\n", c.Total)
	fmt.Fprintf(b, "- Billed total: %s[^billed_total]\n", c.BilledTotal)
	fmt.Fprintf(b, "- Credits: %s[^credits]\n", c.Credits)
	fmt.Fprintf(b, "- Cost per verified case: %s[^cost_per_verified_case]\n\n", c.CostPerVerifiedCase)
	rows := make([][]string, len(c.ByService))
	for i, s := range c.ByService {
		rows[i] = []string{mdText(s.Service), s.Total, s.BilledTotal}
	}
	writeTable(b, []string{"Service", "Total cost", "Billed"}, rows)
	rows = make([][]string, len(c.Trend))
	for i, t := range c.Trend {
		rows[i] = []string{t.Month, t.Total, t.EstimatedCostAvoided}
	}
	writeTable(b, []string{"Month", "Total cost", "Cost avoided"}, rows)
	writeOtherCurrencies(b, c)
}

func writeOtherCurrencies(b *bytes.Buffer, c Cost) {
	if len(c.OtherCurrencies) == 0 {
		return
	}
	rows := make([][]string, len(c.OtherCurrencies))
	for i, o := range c.OtherCurrencies {
		rows[i] = []string{mdText(o.Currency), o.Total, o.BilledTotal}
	}
	writeTable(b, []string{"Other currency", "Total cost", "Billed"}, rows)
}

func writeTrust(b *bytes.Buffer, p *Pack) {
	t := p.Trust
	s := t.BySeverity
	b.WriteString("## Trust\n\n")
	if t.Incidents == 0 {
		fmt.Fprintf(b, "%s\n\n- Audit exports completed: %d[^audit_exports_completed]\n\n", noIncidents, t.AuditExportsCompleted)
		return
	}
	fmt.Fprintf(b, "- Incidents opened: %d (sev1 %d, sev2 %d, sev3 %d, sev4 %d, other %d)\n",
		t.Incidents, s.Sev1, s.Sev2, s.Sev3, s.Sev4, s.Other)
	fmt.Fprintf(b, "- Median resolution time: %s[^median_resolution_time]\n", t.MedianResolutionTime)
	fmt.Fprintf(b, "- Unresolved: %d\n", t.Unresolved)
	fmt.Fprintf(b, "- Audit exports completed: %d[^audit_exports_completed]\n\n", t.AuditExportsCompleted)
}

func writeCandidates(b *bytes.Buffer, p *Pack) {
	b.WriteString("## Expansion candidates[^expansion_candidates]\n\n")
	rows := make([][]string, len(p.ExpansionCandidates))
	for i, c := range p.ExpansionCandidates {
		rows[i] = []string{mdText(c.Workflow), c.Kind, levelChange(c), candidateEvidence(c.Evidence)}
	}
	writeTable(b, []string{"Workflow", "Kind", "Level", "Evidence"}, rows)
	fmt.Fprintf(b, "Thresholds: %s\n\n", thresholdsText(p.ExpansionThresholds))
	if p.FeedbackIncorporated == nil {
		fmt.Fprintf(b, "Feedback incorporated: %s[^feedback_incorporated]\n\n", p.FeedbackIncorporatedNote)
		return
	}
	fmt.Fprintf(b, "Feedback incorporated: %d labels[^feedback_incorporated]\n\n", *p.FeedbackIncorporated)
	writeFeedbackLabels(b, p.FeedbackIncorporatedLabels)
}

// writeFeedbackLabels writes the table of incorporated labels, and states
// how many are listed when the pack lists fewer than the total.
func writeFeedbackLabels(b *bytes.Buffer, list *FeedbackLabels) {
	if list == nil || len(list.Labels) == 0 {
		return
	}
	rows := make([][]string, len(list.Labels))
	for i, l := range list.Labels {
		rows[i] = []string{mdText(l.LabelID), mdText(l.CaseID), mdText(l.Workflow), mdText(l.Verdict),
			mdText(l.IncorporatedAs), l.LabeledAt}
	}
	writeTable(b, []string{"Label", "Case", "Workflow", "Verdict", "Incorporated as", "Labeled at (UTC)"}, rows)
	if int64(list.Listed) < list.Total {
		fmt.Fprintf(b, "%s\n\n", feedbackListedText(list))
	}
}

// feedbackListedText states how many of the incorporated labels are listed.
func feedbackListedText(list *FeedbackLabels) string {
	return fmt.Sprintf("The latest %d of %d incorporated labels are listed.", list.Listed, list.Total)
}

// thresholdsText lists the expansion thresholds in one line for the
// Markdown and HTML packs.
func thresholdsText(t ExpansionThresholds) string {
	return fmt.Sprintf("Autonomy candidates need at least %d reviewed cases, a review accuracy of at least %s, "+
		"at most %d sev1 incidents and at most %d incidents in all. "+
		"Volume candidates need resolved cases to grow by at least %s from the first to the last month of a quarter.",
		t.MinReviewedCases, t.MinReviewAccuracy, t.MaxSev1Incidents, t.MaxIncidents, t.MinUsageGrowth)
}

func levelChange(c Candidate) string {
	if c.ToLevel == "" {
		return c.FromLevel
	}
	return c.FromLevel + " → " + c.ToLevel
}

func candidateEvidence(e CandidateEvidence) string {
	parts := []string{
		fmt.Sprintf("%d reviewed, %s accurate", e.ReviewedCases, e.ReviewAccuracy),
		fmt.Sprintf("%d incidents (%d sev1)", e.Incidents, e.Sev1Incidents),
		fmt.Sprintf("%d resolved", e.ResolvedCases),
	}
	if e.UsageGrowth != "" {
		parts = append(parts, "growth "+e.UsageGrowth)
	}
	if e.Trial {
		parts = append(parts, "in trial")
	}
	return strings.Join(parts, "; ")
}

func writeNotes(b *bytes.Buffer, p *Pack) {
	b.WriteString("## Data quality notes\n\n")
	if len(p.DataQualityNotes) == 0 {
		b.WriteString("None.\n\n")
		return
	}
	for _, n := range p.DataQualityNotes {
		fmt.Fprintf(b, "- %s\n", mdText(n))
	}
	b.WriteString("\n")
}

func writeProvenance(b *bytes.Buffer, p *Pack) {
	v := p.Provenance
	b.WriteString("## Provenance\n\n")
	fmt.Fprintf(b, "- Run: `%s`\n- Data through: %s\n- Inputs SHA-256: `%s`\n- Views SHA-256: `%s`\n\n",
		v.RunID, v.DataThrough, v.InputsSHA256, v.ViewsSHA256)
}

func writeFormulas(b *bytes.Buffer, p *Pack) {
	keys := make([]string, 0, len(p.Formulas))
	for k := range p.Formulas {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "[^%s]: %s\n", k, mdText(p.Formulas[k]))
	}
}

// writeTable writes a Markdown table, or "<first header>: none." when
// there are no rows.
func writeTable(b *bytes.Buffer, header []string, rows [][]string) {
	if len(rows) == 0 {
		fmt.Fprintf(b, "%s: none.\n\n", header[0])
		return
	}
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat(" --- |", len(header)))
	for _, r := range rows {
		fmt.Fprintf(b, "| %s |\n", strings.Join(r, " | "))
	}
	b.WriteString("\n")
}

// mdReplacer escapes the characters that would break a Markdown table or
// start markup. A strings.Replacer is safe for concurrent use.
var mdReplacer = strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "\n", " ")

// mdText escapes the characters that would break a Markdown table or
// start markup in text taken from the data.
func mdText(s string) string {
	return mdReplacer.Replace(s)
}
