package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// pdList is the body of a PagerDuty REST API v2 GET /incidents response.
type pdList struct {
	Incidents []pdIncident `json:"incidents"`
	Limit     int          `json:"limit"`
	Offset    int          `json:"offset"`
	More      bool         `json:"more"`
	Total     *int         `json:"total"`
}

// pdIncident is one incident of the list response.
type pdIncident struct {
	ID                 string              `json:"id"`
	Type               string              `json:"type"`
	Summary            string              `json:"summary"`
	Self               string              `json:"self"`
	HTMLURL            string              `json:"html_url"`
	IncidentNumber     int                 `json:"incident_number"`
	Title              string              `json:"title"`
	CreatedAt          string              `json:"created_at"`
	UpdatedAt          string              `json:"updated_at"`
	Status             string              `json:"status"`
	IncidentKey        string              `json:"incident_key"`
	Service            pdReference         `json:"service"`
	Assignments        []any               `json:"assignments"`
	LastStatusChangeAt string              `json:"last_status_change_at"`
	ResolvedAt         *string             `json:"resolved_at"`
	Acknowledgements   []pdAcknowledgement `json:"acknowledgements"`
	Urgency            string              `json:"urgency"`
	Priority           *pdReference        `json:"priority"`
	IncidentType       pdIncidentType      `json:"incident_type"`
}

// pdReference is a PagerDuty reference object such as a service or user.
type pdReference struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Summary string `json:"summary"`
}

// pdAcknowledgement is one acknowledgement of an incident.
type pdAcknowledgement struct {
	At           string      `json:"at"`
	Acknowledger pdReference `json:"acknowledger"`
}

// pdIncidentType is the incident type, which the demo sets to the workflow.
type pdIncidentType struct {
	Name string `json:"name"`
}

// pdIncident returns the API form of a simulated incident.
func (g *generator) pdIncident(r *rand.Rand, inc *simIncident, number int) pdIncident {
	id := "Q" + token(r, upperDigits, 13)
	p := pdIncident{
		ID: id, Type: "incident", IncidentNumber: number, Title: inc.title,
		Summary:     fmt.Sprintf("[#%d] %s", number, inc.title),
		Self:        "https://api.pagerduty.com/incidents/" + id,
		HTMLURL:     "https://evidence-demo.pagerduty.com/incidents/" + id,
		CreatedAt:   formatPagerDutyTime(inc.created),
		IncidentKey: fmt.Sprintf("%x", r.Uint64()),
		Service:     pdReference{ID: serviceID(inc.account), Type: "service_reference", Summary: inc.account.ID},
		Assignments: []any{}, Acknowledgements: []pdAcknowledgement{},
		Urgency:      inc.urgency,
		IncidentType: pdIncidentType{Name: inc.workflow.Name},
	}
	if inc.priority != "" {
		p.Priority = &pdReference{ID: "PRIO" + inc.priority, Type: "priority", Summary: inc.priority}
	}
	last := inc.created
	p.Status = statusTriggered
	if !inc.acked.IsZero() {
		p.Status, last = statusAcknowledged, inc.acked
		p.Acknowledgements = append(p.Acknowledgements,
			pdAcknowledgement{At: formatPagerDutyTime(inc.acked), Acknowledger: pick(r, responders)})
	}
	if !inc.resolved.IsZero() {
		p.Status, last = statusResolved, inc.resolved
		resolved := formatPagerDutyTime(inc.resolved)
		p.ResolvedAt = &resolved
	}
	p.LastStatusChangeAt = formatPagerDutyTime(last)
	updated := last.Add(durationBetween(r, 0, 10*time.Minute)).Truncate(time.Second)
	if !updated.Before(g.end) {
		updated = last
	}
	p.UpdatedAt = formatPagerDutyTime(updated)
	return p
}

// serviceID returns the PagerDuty service id of an account's service.
func serviceID(a *account) string {
	return fmt.Sprintf("PSV%04d", a.Number)
}

func formatPagerDutyTime(t time.Time) string { return t.UTC().Format(pagerDutyTimeLayout) }
