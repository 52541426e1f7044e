package transforms

// TextColumns calls fn with the name and a pointer to every text column of
// a fact, so callers can check or rewrite them in place. The names are the
// fact column names of the warehouse tables.
func TextColumns(f Fact, fn func(column string, value *string)) {
	switch v := f.(type) {
	case *UsageEvent:
		usageTextColumns(v, fn)
	case *ReviewLabel:
		labelTextColumns(v, fn)
	case *CostLine:
		costTextColumns(v, fn)
	case *Incident:
		incidentTextColumns(v, fn)
	}
}

func usageTextColumns(e *UsageEvent, fn func(string, *string)) {
	fn("event_id", &e.EventID)
	fn("account_id", &e.AccountID)
	fn("workflow", &e.Workflow)
	fn("case_id", &e.CaseID)
	fn("user_id", &e.UserID)
	fn("event_type", &e.EventType)
	fn("autonomy_level", &e.AutonomyLevel)
}

func labelTextColumns(l *ReviewLabel, fn func(string, *string)) {
	fn("label_id", &l.LabelID)
	fn("account_id", &l.AccountID)
	fn("workflow", &l.Workflow)
	fn("case_id", &l.CaseID)
	fn("reviewer_id", &l.ReviewerID)
	fn("verdict", &l.Verdict)
	fn("failure_category", &l.FailureCategory)
	fn("feedback_text", &l.FeedbackText)
	fn("incorporated_as", &l.IncorporatedAs)
}

func costTextColumns(c *CostLine, fn func(string, *string)) {
	fn("line_id", &c.LineID)
	fn("account_id", &c.AccountID)
	fn("provider", &c.Provider)
	fn("service", &c.Service)
	fn("sku", &c.SKU)
	fn("charge_category", &c.ChargeCategory)
	fn("consumed_unit", &c.ConsumedUnit)
	fn("currency", &c.Currency)
}

func incidentTextColumns(i *Incident, fn func(string, *string)) {
	fn("incident_id", &i.IncidentID)
	fn("account_id", &i.AccountID)
	fn("severity", &i.Severity)
	fn("status", &i.Status)
	fn("title", &i.Title)
	fn("service", &i.Service)
	fn("workflow", &i.Workflow)
	fn("postmortem_url", &i.PostmortemURL)
}

// AccountOf returns the account id of a fact.
func AccountOf(f Fact) string {
	var account string
	TextColumns(f, func(column string, v *string) {
		if column == "account_id" {
			account = *v
		}
	})
	return account
}
