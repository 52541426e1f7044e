package demo

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// pagerDutyTimeLayout is the PagerDuty REST API timestamp form.
const pagerDutyTimeLayout = "2006-01-02T15:04:05Z"

const (
	firstIncidentNumber = 3101
	pagerDutyPageLimit  = 100
	minOpenIncidents    = 3
)

// Incident statuses of the PagerDuty REST API.
const (
	statusTriggered    = "triggered"
	statusAcknowledged = "acknowledged"
	statusResolved     = "resolved"
)

// incidentTitles are incident title formats with the workflow name as %s.
var incidentTitles = []string{
	"Elevated error rate in %s suggestions",
	"Latency above SLO for %s drafts",
	"Model outputs in %s missing policy citations",
	"Queue backlog in %s after a deploy",
	"Audit export timing out for %s records",
}

// responders acknowledge incidents.
var responders = []pdReference{
	{ID: "PU7K2QX", Type: "user_reference", Summary: "Noor Haddad"},
	{ID: "PU3M8ZT", Type: "user_reference", Summary: "Tomasz Wilk"},
	{ID: "PU9D4RB", Type: "user_reference", Summary: "Grace Mbeki"},
}

// simIncident is one simulated incident.
type simIncident struct {
	account  *account
	workflow *workflow
	created  time.Time
	acked    time.Time // zero when not acknowledged by the end of the range
	resolved time.Time // zero when still open at the end of the range
	priority string    // P1..P4, or empty for none
	urgency  string
	title    string
}

// writeIncidents writes incidents/incidents-YYYY-MM.json for every month
// with the incidents opened in it.
func (g *generator) writeIncidents(ctx context.Context) error {
	r := g.rand(streamIncidents)
	incidents := g.drawIncidents(r)
	number := firstIncidentNumber
	for _, m := range g.months {
		list := pdList{Incidents: []pdIncident{}, Limit: pagerDutyPageLimit}
		for _, inc := range incidents {
			if !inc.created.Before(m.start) && inc.created.Before(m.end()) {
				list.Incidents = append(list.Incidents, g.pdIncident(r, inc, number))
				number++
			}
		}
		// NOTE: one file holds the whole month, so the limit grows past
		// PagerDuty's page size of 100 when a large run needs it.
		list.Limit = max(list.Limit, len(list.Incidents))
		rel := fmt.Sprintf("incidents/incidents-%s.json", m.label())
		err := g.writeFile(ctx, rel, KindIncidents, func(w *bufio.Writer) (int, error) {
			return len(list.Incidents), writeIndentedJSON(w, list)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// drawIncidents draws 0 to 4 incidents per account and quarter, spread
// over the range and sorted by creation time. At least one is P1 and at
// least one is still open at the end of the range.
func (g *generator) drawIncidents(r *rand.Rand) []*simIncident {
	quarters := float64(len(g.days)) / 92
	var out []*simIncident
	for _, a := range g.accounts {
		n := stochasticRound(r, quarters*float64(weighted(r, []float64{0.25, 0.35, 0.22, 0.12, 0.06})))
		for range n {
			out = append(out, g.drawIncident(r, a, g.opts.From.Add(durationBetween(r, 0, g.end.Sub(g.opts.From)))))
		}
	}
	if len(out) == 0 {
		out = append(out, g.drawIncident(r, g.accounts[0], g.opts.From.Add(g.end.Sub(g.opts.From)/2)))
	}
	g.ensureIncidentVariety(r, out)
	slices.SortStableFunc(out, func(a, b *simIncident) int { return a.created.Compare(b.created) })
	for _, inc := range out {
		if inc.resolved.IsZero() {
			g.summary.Defects[DefectUnresolvedIncident]++
		}
	}
	return out
}

// drawIncident draws one incident of account a created at the given time,
// resolved 20 minutes to 3 days later unless that is after the range.
func (g *generator) drawIncident(r *rand.Rand, a *account, created time.Time) *simIncident {
	inc := &simIncident{account: a, workflow: pick(r, a.Workflows), created: created.Truncate(time.Second)}
	inc.title = fmt.Sprintf(pick(r, incidentTitles), inc.workflow.Name)
	if r.Float64() < 0.7 {
		inc.priority = []string{"P1", "P2", "P3", "P4"}[weighted(r, []float64{0.06, 0.24, 0.42, 0.28})]
	}
	inc.urgency = "low"
	if inc.priority == "P1" || inc.priority == "P2" || (inc.priority == "" && r.Float64() < 0.4) {
		inc.urgency = "high"
	}
	g.settle(r, inc, logUniformDuration(r, 20*time.Minute, 72*time.Hour))
	return inc
}

// settle sets the acknowledgement and resolution of an incident that takes
// the given time to resolve, leaving what falls after the range unset.
func (g *generator) settle(r *rand.Rand, inc *simIncident, toResolve time.Duration) {
	ack := inc.created.Add(durationBetween(r, time.Minute, min(25*time.Minute, toResolve)).Truncate(time.Second))
	resolved := inc.created.Add(toResolve.Truncate(time.Second))
	inc.acked, inc.resolved = time.Time{}, time.Time{}
	if ack.Before(g.end) {
		inc.acked = ack
	}
	if resolved.Before(g.end) {
		inc.resolved = resolved
	}
}

// ensureIncidentVariety makes one incident P1 and moves resolved ones to
// the last day of the range until minOpenIncidents are still open. The
// first one moved stays unacknowledged.
func (g *generator) ensureIncidentVariety(r *rand.Rand, incidents []*simIncident) {
	if !slices.ContainsFunc(incidents, func(i *simIncident) bool { return i.priority == "P1" }) {
		inc := incidents[r.IntN(len(incidents))]
		inc.priority, inc.urgency = "P1", "high"
	}
	open, moved := 0, 0
	for _, inc := range incidents {
		if inc.resolved.IsZero() {
			open++
		}
	}
	for range 100 * len(incidents) {
		if open >= min(minOpenIncidents, len(incidents)) {
			return
		}
		inc := incidents[r.IntN(len(incidents))]
		if inc.resolved.IsZero() {
			continue
		}
		inc.created = g.end.Add(-durationBetween(r, 2*time.Hour, 20*time.Hour)).Truncate(time.Second)
		g.settle(r, inc, 30*time.Hour)
		if moved == 0 {
			inc.acked = time.Time{}
		}
		open++
		moved++
	}
}

func logUniformDuration(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return time.Duration(logUniform(r, float64(lo), float64(hi)))
}
