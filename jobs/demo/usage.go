package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Segment event names that the demo config maps to usage event types.
const (
	eventCaseOpened     = "Case Opened"
	eventCaseResolved   = "Case Resolved"
	eventCaseEscalated  = "Case Escalated"
	eventCaseReopened   = "Case Reopened"
	eventSuggestion     = "Suggestion Accepted"
	eventAuditExport    = "Audit Export Completed"
	eventUnknown        = "Case Snoozed"
	verificationWindow  = 7 * 24 * time.Hour
	weekendVolumeFactor = 0.35
)

// escalationReasons fill the reason property of Case Escalated events.
var escalationReasons = []string{"low_confidence", "policy_exception", "customer_request", "missing_documents"}

// usageEvent is one simulated product event before it is written.
type usageEvent struct {
	At         time.Time // when the event happened, millisecond precision
	Arrival    time.Time // when it reached the stream, which selects the daily file
	Name       string
	Account    *account
	Workflow   *workflow // nil for account-level events
	CaseID     string
	UserID     string
	MessageID  string
	HandleTime float64 // seconds, on Case Resolved only
	Reason     string  // escalation reason
	Offset     int     // seconds east of UTC used in the written timestamp
	Defect     string  // a Defect name that changes how the event is written
	InBatch    bool    // written to the monthly batch file, not a daily file
	Late       bool    // arrives one or more days after it happened
}

// simCase is one simulated case.
type simCase struct {
	ID       string
	Account  *account
	Workflow *workflow
	UserID   string
	Opened   time.Time
	Resolved time.Time // first resolution, or zero when still open
}

// simulation holds every case and event of the range.
type simulation struct {
	r       *rand.Rand
	g       *generator
	events  []*usageEvent
	cases   []*simCase
	perDay  map[*account][]int // cases opened per account and day index
	nextSeq map[*account]int
}

// simulate draws the cases and events of every account over the range.
func (g *generator) simulate(ctx context.Context) (*simulation, error) {
	s := &simulation{
		r:       g.rand(streamUsage),
		g:       g,
		perDay:  map[*account][]int{},
		nextSeq: map[*account]int{},
	}
	for _, a := range g.accounts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.perDay[a] = make([]int, len(g.days))
		for di, day := range g.days {
			s.simulateDay(a, di, day)
		}
		s.auditExports(a)
	}
	return s, nil
}

// simulateDay draws the cases an account opens on one day.
func (s *simulation) simulateDay(a *account, di int, day time.Time) {
	p := s.g.progress(day)
	rate := a.DailyCases * math.Pow(a.Growth, p) * s.g.opts.Scale
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		rate *= weekendVolumeFactor
	}
	for _, w := range a.Workflows {
		n := stochasticRound(s.r, rate*w.Share)
		for range n {
			s.simulateCase(a, w, day, p)
			s.perDay[a][di]++
		}
	}
}

// simulateCase draws one case and its events: opened, maybe a suggestion
// accepted and an escalation, resolved, and maybe reopened and resolved
// again. Events after the end of the range are dropped.
func (s *simulation) simulateCase(a *account, w *workflow, day time.Time, p float64) *simCase {
	r := s.r
	s.nextSeq[a]++
	c := &simCase{
		ID:       fmt.Sprintf("CS-%03d-%06d", a.Number, s.nextSeq[a]),
		Account:  a,
		Workflow: w,
		UserID:   s.activeUser(a, p),
		Opened:   day.Add(durationBetween(r, 7*time.Hour, 19*time.Hour)),
	}
	s.cases = append(s.cases, c)
	s.emit(c, eventCaseOpened, c.Opened)
	if r.Float64() < suggestionRate(w.Autonomy) {
		s.emit(c, eventSuggestion, c.Opened.Add(durationBetween(r, time.Minute, 25*time.Minute)))
	}
	escalated := r.Float64() < 0.05
	if escalated {
		e := s.emit(c, eventCaseEscalated, c.Opened.Add(durationBetween(r, 5*time.Minute, 90*time.Minute)))
		if e != nil {
			e.Reason = pick(r, escalationReasons)
		}
	}
	if r.Float64() < 0.03 {
		return c // still open
	}
	seconds := handleTime(r, w, escalated)
	resolved := c.Opened.Add(time.Duration(seconds*float64(time.Second)) + durationBetween(r, 0, 4*time.Hour))
	if e := s.emitResolved(c, resolved, seconds); e != nil {
		c.Resolved = e.At
		s.maybeReopen(c, e.At)
	}
	return c
}

// maybeReopen reopens a resolved case at the workflow's reopen rate, most
// often inside the verification window, and resolves most reopened cases
// again.
func (s *simulation) maybeReopen(c *simCase, resolved time.Time) {
	r := s.r
	if r.Float64() >= c.Workflow.ReopenRate {
		return
	}
	delay := durationBetween(r, 2*time.Hour, verificationWindow-4*time.Hour)
	if r.Float64() < 0.15 {
		delay = durationBetween(r, verificationWindow+6*time.Hour, 3*verificationWindow)
	}
	reopened := s.emit(c, eventCaseReopened, resolved.Add(delay))
	if reopened == nil || r.Float64() >= 0.7 {
		return
	}
	seconds := handleTime(r, c.Workflow, false) * 0.6
	s.emitResolved(c, reopened.At.Add(durationBetween(r, 2*time.Hour, 48*time.Hour)), seconds)
}

// auditExports emits about one audit export per account and month.
func (s *simulation) auditExports(a *account) {
	for _, m := range s.g.months {
		n := []int{0, 1, 2}[weighted(s.r, []float64{0.05, 0.85, 0.1})]
		for range n {
			day := pick(s.r, m.days)
			at := day.Add(durationBetween(s.r, 8*time.Hour, 18*time.Hour))
			s.add(&usageEvent{At: at, Name: eventAuditExport, Account: a, UserID: userID(a, 1)})
		}
	}
}

// emit appends an event of case c at time at, unless at lies after the
// range. It returns the event or nil.
func (s *simulation) emit(c *simCase, name string, at time.Time) *usageEvent {
	if !at.Before(s.g.end) {
		return nil
	}
	user := c.UserID
	if name == eventCaseEscalated || s.r.Float64() < 0.1 {
		user = s.activeUser(c.Account, s.g.progress(at))
	}
	e := &usageEvent{At: at.Truncate(time.Millisecond), Name: name, Account: c.Account,
		Workflow: c.Workflow, CaseID: c.ID, UserID: user}
	s.add(e)
	return e
}

// emitResolved emits a Case Resolved event with its handle time.
func (s *simulation) emitResolved(c *simCase, at time.Time, seconds float64) *usageEvent {
	e := s.emit(c, eventCaseResolved, at)
	if e != nil {
		e.HandleTime = math.Round(seconds*10) / 10
	}
	return e
}

// add assigns the event its message id and written offset and keeps it.
func (s *simulation) add(e *usageEvent) {
	e.MessageID = uuid(s.r)
	e.Arrival = e.At
	if e.Account.UTCOffset != 0 && s.r.Float64() < 0.3 {
		e.Offset = e.Account.UTCOffset
	}
	s.events = append(s.events, e)
}

// activeUser picks one of the users active at progress p. The number of
// active users grows linearly over the range.
func (s *simulation) activeUser(a *account, p float64) string {
	n := a.UsersStart + int(math.Round(float64(a.UsersEnd-a.UsersStart)*p))
	return userID(a, 1+s.r.IntN(n))
}

func userID(a *account, n int) string {
	return fmt.Sprintf("usr_%s_%03d", a.ID, n)
}

// suggestionRate is the share of cases with an accepted suggestion. It
// rises from draft to bounded automation and drops for full workflow,
// where the product acts without suggestions.
func suggestionRate(level string) float64 {
	switch level {
	case "draft":
		return 0.35
	case "recommendation":
		return 0.5
	case "bounded_automation":
		return 0.6
	default:
		return 0.3
	}
}

// handleTime draws a handle time in seconds around the workflow's share of
// its baseline, with a log-normal spread.
func handleTime(r *rand.Rand, w *workflow, escalated bool) float64 {
	t := float64(w.BaselineSeconds) * w.HandleFactor * math.Exp(r.NormFloat64()*0.35-0.06)
	if escalated {
		t *= 1.5
	}
	return max(t, 30)
}
