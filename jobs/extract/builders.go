package extract

import (
	"evidencepack/transforms"
)

// usageEvent builds a usage event. event_id, occurred_at, account_id and
// event_type are required; the event type is mapped through event_types.
func (c *converter) usageEvent(fs fieldSource, o transforms.Origin) (*transforms.UsageEvent, *transforms.FieldError) {
	e := &transforms.UsageEvent{From: o}
	var err *transforms.FieldError
	if e.EventID, err = required(fs, "event_id"); err != nil {
		return nil, err
	}
	if e.OccurredAt, err = c.requiredTime(fs, "occurred_at"); err != nil {
		return nil, err
	}
	if e.AccountID, err = c.account(fs); err != nil {
		return nil, err
	}
	e.EventType, err = mappedRequired(fs, "event_type", c.src.EventTypes, knownEventTypes, "event name", "event_types")
	if err != nil {
		return nil, err
	}
	if e.AutonomyLevel, err = autonomyLevel(fs); err != nil {
		return nil, err
	}
	if e.HandleTimeSeconds, err = handleTime(fs); err != nil {
		return nil, err
	}
	e.UserID = fs.field("user_id").Text
	e.Workflow = fs.field("workflow").Text
	e.CaseID = fs.field("case_id").Text
	return e, nil
}

// reviewLabel builds a review label. label_id, labeled_at, account_id and
// verdict are required; the verdict is mapped through verdicts.
func (c *converter) reviewLabel(fs fieldSource, o transforms.Origin) (*transforms.ReviewLabel, *transforms.FieldError) {
	l := &transforms.ReviewLabel{From: o}
	var err *transforms.FieldError
	if l.LabelID, err = required(fs, "label_id"); err != nil {
		return nil, err
	}
	if l.LabeledAt, err = c.requiredTime(fs, "labeled_at"); err != nil {
		return nil, err
	}
	if l.UpdatedAt, err = c.optionalTime(fs, "updated_at"); err != nil {
		return nil, err
	}
	if l.AccountID, err = c.account(fs); err != nil {
		return nil, err
	}
	l.Verdict, err = mappedRequired(fs, "verdict", c.src.Verdicts, knownVerdicts, "verdict", "verdicts")
	if err != nil {
		return nil, err
	}
	l.Workflow = fs.field("workflow").Text
	l.CaseID = fs.field("case_id").Text
	l.ReviewerID = fs.field("reviewer_id").Text
	l.FailureCategory = fs.field("failure_category").Text
	l.FeedbackText = fs.field("feedback_text").Text
	l.IncorporatedAs = fs.field("incorporated_as").Text
	return l, nil
}

// incident builds an incident. incident_id, account_id, severity and
// opened_at are required; the severity is mapped through severities.
func (c *converter) incident(fs fieldSource, o transforms.Origin) (*transforms.Incident, *transforms.FieldError) {
	in := &transforms.Incident{From: o}
	var err *transforms.FieldError
	if in.IncidentID, err = required(fs, "incident_id"); err != nil {
		return nil, err
	}
	if in.AccountID, err = c.account(fs); err != nil {
		return nil, err
	}
	in.Severity, err = mappedRequired(fs, "severity", c.src.Severities, knownSeverities, "severity", "severities")
	if err != nil {
		return nil, err
	}
	if err = c.incidentTimes(fs, in); err != nil {
		return nil, err
	}
	in.Status = fs.field("status").Text
	in.Title = fs.field("title").Text
	in.Service = fs.field("service").Text
	in.Workflow = fs.field("workflow").Text
	in.PostmortemURL = fs.field("postmortem_url").Text
	return in, nil
}

func (c *converter) incidentTimes(fs fieldSource, in *transforms.Incident) *transforms.FieldError {
	var err *transforms.FieldError
	if in.OpenedAt, err = c.requiredTime(fs, "opened_at"); err != nil {
		return err
	}
	if in.AcknowledgedAt, err = c.optionalTime(fs, "acknowledged_at"); err != nil {
		return err
	}
	if in.ResolvedAt, err = c.optionalTime(fs, "resolved_at"); err != nil {
		return err
	}
	in.UpdatedAt, err = c.optionalTime(fs, "updated_at")
	return err
}
