package render

// writePage writes the HTML page of a pack. The text between the values,
// blank lines and indentation included, is that of the page template in
// testdata/templates. The TestHTMLMatchesTemplate tests compare both byte
// for byte, so a change to the page changes the template alike.
func (w *htmlWriter) writePage(page *htmlPage) {
	p := page.Pack
	w.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
		"<link rel=\"icon\" href=\"data:,\">\n<title>Renewal evidence: ")
	w.text(p.Account)
	w.raw(", ")
	w.text(p.Period)
	w.raw("</title>\n")
	w.raw(packStyle())
	w.raw("\n</head>\n<body>\n\n<main class=\"pack\">\n")
	w.writeMasthead(page)
	w.writeCards(page)
	w.writeValueSection(page)
	w.writeQualitySection(page)
	w.writeCostSection(page)
	w.writeTrustSection(page)
	w.writeExpansionSection(page)
	w.raw("</ol>\n</section>\n</main>\n</body>\n</html>\n")
}

func (w *htmlWriter) writeMasthead(page *htmlPage) {
	p := page.Pack
	w.raw("<header class=\"masthead\">\n  <p class=\"kicker\">Renewal evidence pack</p>\n  <h1>")
	w.text(p.Account)
	w.raw("</h1>\n  <p class=\"subtitle\">")
	w.text(p.Period)
	w.raw(" &middot; ")
	w.text(page.Period.Start.Format("2 Jan 2006"))
	w.raw(" to ")
	w.text(page.Period.LastDay().Format("2 Jan 2006"))
	w.raw(" &middot; account id <code>")
	w.text(p.AccountID)
	w.raw("</code></p>\n  ")
	if p.Provisional {
		w.raw("\n  <div class=\"banner provisional\" role=\"note\"><strong>Provisional.</strong>\n" +
			"    These figures become final on <strong>")
		w.text(p.FinalAfter)
		w.raw("</strong>, when the verification window of the period's last resolved cases closes.\n    Data through ")
		w.text(p.Provenance.DataThrough)
		w.raw(".</div>\n  ")
	} else {
		w.raw("\n  <div class=\"banner final\" role=\"note\"><strong>Final.</strong> The verification window closed on ")
		w.text(p.FinalAfter)
		w.raw("; data through ")
		w.text(p.Provenance.DataThrough)
		w.raw(".</div>\n  ")
	}
	w.raw("\n  <p class=\"run\">Run <code>")
	w.text(p.Provenance.RunID)
	w.raw("</code> &middot; inputs SHA-256 <code>")
	w.text(shortHash(p.Provenance.InputsSHA256))
	w.raw("</code> &middot; views SHA-256 <code>")
	w.text(shortHash(p.Provenance.ViewsSHA256))
	w.raw("</code></p>\n</header>\n\n")
}

func (w *htmlWriter) writeCards(page *htmlPage) {
	w.raw("<section class=\"cards\" aria-label=\"Headline figures\">\n  ")
	for _, f := range page.Headline {
		w.raw("<div class=\"card\"><div class=\"card-label\">")
		w.text(f.Label)
		w.raw("</div><div class=\"card-value\">")
		w.figure(f)
		w.raw("</div></div>")
	}
	w.raw("\n</section>\n\n")
}

// numberCell writes a table cell of a figure whose formula is the title.
func (w *htmlWriter) numberCell(formula, value string) {
	w.raw("<td class=\"num\" title=\"")
	w.text(formula)
	w.raw("\">")
	w.text(value)
	w.raw("</td>")
}

func (w *htmlWriter) writeValueSection(page *htmlPage) {
	p, f := page.Pack, page.Pack.Formulas
	w.raw("<section class=\"sheet\" id=\"value\">\n  <h2>Work performed and value</h2>\n  <div class=\"columns\">")
	w.figures(page.Work)
	w.figures(page.Value)
	w.raw("</div>\n  <div class=\"chart-grid\">\n    ")
	w.barChart(page.Charts.VerifiedCases)
	w.raw("\n    ")
	w.barChart(page.Charts.HandleTime)
	w.raw("\n    ")
	w.barChart(page.Charts.CostAvoided)
	w.raw("\n  </div>\n  <table>\n    <thead><tr><th>Month</th><th class=\"num\">Verified resolved cases</th>" +
		"<th class=\"num\">Handle time reduction</th><th class=\"num\">Estimated cost avoided</th></tr></thead>\n    <tbody>")
	for _, t := range p.Value.Trend {
		w.raw("<tr><td>")
		w.text(t.Month)
		w.raw("</td>\n      <td class=\"num\" title=\"")
		w.text(f["verified_resolved_cases"])
		w.raw("\">")
		w.count(t.VerifiedResolvedCases)
		w.raw("</td>\n      ")
		w.numberCell(f["handle_time_reduction"], t.HandleTimeReduction)
		w.raw("\n      ")
		w.numberCell(f["estimated_cost_avoided"], t.EstimatedCostAvoided)
		w.raw("</tr>")
	}
	w.raw("</tbody>\n  </table>\n</section>\n\n")
}

func (w *htmlWriter) writeQualitySection(page *htmlPage) {
	p := page.Pack
	w.raw("<section class=\"sheet\" id=\"quality\">\n  <h2>Quality and adoption</h2>\n  <h3>Human review</h3>\n  ")
	if page.Empty.Reviews != "" {
		w.raw("<p class=\"empty\">")
		w.text(page.Empty.Reviews)
		w.raw("</p>")
	} else {
		w.raw("\n  ")
		w.figures(page.Quality)
		w.raw("\n  ")
		w.hbarChart(page.Charts.ReviewAccuracy)
		w.raw("\n  ")
		if len(p.Quality.TopFailureCategories) > 0 {
			w.raw("\n  <table>\n    <thead><tr><th>Top failure category</th><th class=\"num\">Reviewed cases</th></tr></thead>\n    <tbody>")
			for _, c := range p.Quality.TopFailureCategories {
				w.raw("<tr><td>")
				w.text(c.Category)
				w.raw("</td><td class=\"num\">")
				w.count(c.Cases)
				w.raw("</td></tr>")
			}
			w.raw("</tbody>\n  </table>\n  ")
		} else {
			w.raw("<p class=\"empty\">No reviewed case has a failure category in this period.</p>")
		}
		w.raw("\n  ")
	}
	w.raw("\n  <h3>Adoption</h3>\n  ")
	w.figures(page.Adoption)
	w.raw("\n  ")
	w.barChart(page.Charts.ActiveUsers)
	w.raw("\n</section>\n\n")
}

func (w *htmlWriter) writeCostSection(page *htmlPage) {
	p, f := page.Pack, page.Pack.Formulas
	w.raw("<section class=\"sheet\" id=\"cost\">\n  <h2>Cost beside value (")
	w.text(p.Cost.Currency)
	w.raw(")</h2>\n  ")
	if page.Empty.Costs != "" {
		w.raw("<p class=\"empty\">")
		w.text(page.Empty.Costs)
		w.raw("</p>")
	} else {
		w.raw("\n  ")
		w.figures(page.Cost)
		w.raw("\n  ")
		w.barChart(page.Charts.CostBesideValue)
		w.raw("\n  <table>\n    <thead><tr><th>Service</th><th class=\"num\">Total cost</th>" +
			"<th class=\"num\">Billed total</th></tr></thead>\n    <tbody>")
		for _, s := range p.Cost.ByService {
			w.raw("<tr><td>")
			w.text(s.Service)
			w.raw("</td>\n      ")
			w.numberCell(f["cost_total"], s.Total)
			w.raw("\n      ")
			w.numberCell(f["billed_total"], s.BilledTotal)
			w.raw("</tr>")
		}
		w.raw("</tbody>\n  </table>\n  ")
	}
	w.raw("\n  ")
	if len(p.Cost.OtherCurrencies) > 0 {
		w.raw("\n  <table>\n    <thead><tr><th>Other currency (not converted)</th><th class=\"num\">Total cost</th>" +
			"<th class=\"num\">Billed total</th></tr></thead>\n    <tbody>")
		for _, c := range p.Cost.OtherCurrencies {
			w.raw("<tr><td>")
			w.text(c.Currency)
			w.raw("</td><td class=\"num\">")
			w.text(c.Total)
			w.raw("</td><td class=\"num\">")
			w.text(c.BilledTotal)
			w.raw("</td></tr>")
		}
		w.raw("</tbody>\n  </table>\n  ")
	}
	w.raw("\n</section>\n\n")
}

func (w *htmlWriter) writeTrustSection(page *htmlPage) {
	p, f := page.Pack, page.Pack.Formulas
	w.raw("<section class=\"sheet\" id=\"trust\">\n  <h2>Incidents and resolution</h2>\n  ")
	if page.Empty.Incidents != "" {
		w.raw("<p class=\"empty\">")
		w.text(page.Empty.Incidents)
		w.raw("</p>\n  ")
		w.figures(page.Audit)
		w.raw("\n  ")
		w.raw("\n</section>\n\n")
		return
	}
	w.raw("\n  ")
	w.figures(page.Trust)
	w.raw("\n  ")
	w.figures(page.Audit)
	w.raw("\n  ")
	w.timeline(page.Charts.Incidents)
	w.raw("\n  <table>\n    <thead><tr><th>Incident</th><th>Severity</th><th>Opened (UTC)</th><th>Resolved (UTC)</th>" +
		"<th class=\"num\">Resolution time</th><th>Workflow</th><th>Service</th></tr></thead>\n    <tbody>")
	for _, inc := range p.Trust.Log {
		w.raw("<tr><td>")
		w.text(inc.IncidentID)
		w.raw("</td><td><span class=\"pill ")
		w.text(severityClass(inc.Severity))
		w.raw("\">")
		if inc.Severity != "" {
			w.text(inc.Severity)
		} else {
			w.raw("unknown")
		}
		w.raw("</span></td>\n      <td>")
		w.text(incidentStamp(inc.OpenedAt))
		w.raw("</td><td>")
		w.text(incidentStamp(inc.ResolvedAt))
		w.raw("</td>\n      ")
		w.numberCell(f["incident_resolution_time"], inc.ResolutionTime)
		w.raw("<td>")
		w.text(inc.Workflow)
		w.raw("</td><td>")
		w.text(inc.Service)
		w.raw("</td></tr>")
	}
	w.raw("</tbody>\n  </table>\n  ")
	w.raw("\n</section>\n\n")
}

func (w *htmlWriter) writeExpansionSection(page *htmlPage) {
	p := page.Pack
	w.raw("<section class=\"sheet\" id=\"expansion\">\n  <h2>Expansion candidates</h2>\n  ")
	if len(p.ExpansionCandidates) > 0 {
		w.raw("\n  <table>\n    <thead><tr><th>Workflow</th><th>Kind</th><th>Autonomy level</th><th>Evidence</th></tr></thead>\n    <tbody>")
		for _, c := range p.ExpansionCandidates {
			w.raw("<tr><td>")
			w.text(c.Workflow)
			w.raw("</td><td>")
			w.text(c.Kind)
			w.raw("</td><td>")
			w.text(levelChange(c))
			w.raw("</td>\n      <td title=\"")
			w.text(p.Formulas["expansion_candidates"])
			w.raw("\">")
			w.text(candidateEvidence(c.Evidence))
			w.raw("</td></tr>")
		}
		w.raw("</tbody>\n  </table>\n  ")
	} else {
		w.raw("<p class=\"empty\">No workflow met the expansion thresholds in this period.</p>")
	}
	w.raw("\n  <p id=\"expansion-thresholds\">Thresholds: ")
	w.text(thresholdsText(p.ExpansionThresholds))
	w.raw("</p>\n  <h3>Feedback incorporated</h3>\n  ")
	w.writeFeedbackLabels(p)
	w.raw("\n  <h3>Data quality notes</h3>\n  ")
	if len(p.DataQualityNotes) > 0 {
		w.raw("<ul class=\"notes\">")
		for _, n := range p.DataQualityNotes {
			w.raw("<li>")
			w.text(n)
			w.raw("</li>")
		}
		w.raw("</ul>\n  ")
	} else {
		w.raw("<p class=\"empty\">No data quality notes for this period.</p>")
	}
	w.writeProvenance(p.Provenance, p.FinalAfter)
	w.raw("\n  <h3>Formulas</h3>\n  <ol class=\"footnotes\">")
	for _, n := range page.Footnotes {
		w.raw("<li id=\"")
		w.text(n.Anchor)
		w.raw("\"><code>")
		w.text(n.Key)
		w.raw("</code>: ")
		w.text(n.Formula)
		w.raw("</li>")
	}
}

func (w *htmlWriter) writeFeedbackLabels(p *Pack) {
	list := p.FeedbackIncorporatedLabels
	if list == nil {
		w.raw("<p class=\"empty\">Feedback incorporated: ")
		w.text(p.FeedbackIncorporatedNote)
		w.raw("</p>")
		return
	}
	if len(list.Labels) == 0 {
		w.raw("<p class=\"empty\">No review label of this period was used by an eval case or fix.</p>")
		w.raw("\n  ")
		return
	}
	w.raw("\n  <table id=\"feedback-labels\">\n    <thead><tr><th>Label</th><th>Case</th><th>Workflow</th><th>Verdict</th>" +
		"<th>Incorporated as</th><th>Labeled at (UTC)</th></tr></thead>\n    <tbody>")
	for _, l := range list.Labels {
		w.raw("<tr><td>")
		w.text(l.LabelID)
		w.raw("</td><td>")
		w.text(l.CaseID)
		w.raw("</td><td>")
		w.text(l.Workflow)
		w.raw("</td><td>")
		w.text(l.Verdict)
		w.raw("</td>\n      <td>")
		w.text(l.IncorporatedAs)
		w.raw("</td><td>")
		w.text(incidentStamp(l.LabeledAt))
		w.raw("</td></tr>")
	}
	w.raw("</tbody>\n  </table>\n  ")
	if int64(list.Listed) < list.Total {
		w.raw("<p>")
		w.text(feedbackListedText(list))
		w.raw("</p>")
	}
	w.raw("\n  ")
	w.raw("\n  ")
}

func (w *htmlWriter) writeProvenance(v Provenance, finalAfter string) {
	w.raw("\n  <h3>Provenance</h3>\n  <dl class=\"figures provenance\">\n    <div><dt>Run id</dt><dd title=\"")
	w.text(v.RunID)
	w.raw("\"><code>")
	w.text(v.RunID)
	w.raw("</code></dd></div>\n    <div><dt>Data through</dt><dd>")
	w.text(v.DataThrough)
	w.raw("</dd></div>\n    <div><dt>Final on</dt><dd>")
	w.text(finalAfter)
	w.raw("</dd></div>\n    <div><dt>Inputs SHA-256</dt><dd title=\"")
	w.text(v.InputsSHA256)
	w.raw("\"><code>")
	w.text(v.InputsSHA256)
	w.raw("</code></dd></div>\n    <div><dt>Views SHA-256</dt><dd title=\"")
	w.text(v.ViewsSHA256)
	w.raw("\"><code>")
	w.text(v.ViewsSHA256)
	w.raw("</code></dd></div>\n  </dl>")
}
