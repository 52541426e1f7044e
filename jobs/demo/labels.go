package demo

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Verdict choices and failure categories of the review project.
const (
	verdictCorrect   = "Correct"
	verdictPartial   = "Partially correct"
	verdictIncorrect = "Incorrect"
)

var failureCategories = []string{"hallucination", "missed_policy", "wrong_code", "formatting"}

// labelTimeLayout is the Label Studio export timestamp form, in UTC with
// microseconds.
const labelTimeLayout = "2006-01-02T15:04:05.000000Z"

// Label Studio ids of the demo project and the first task and annotation.
const (
	labelProject        = 7
	firstTaskID         = 48001
	firstAnnotationID   = 91001
	firstEvalID         = 1001
	labelPIIEvery       = 10 // every n-th feedback text carries a phone number or e-mail address
	updatedTaskShare    = 0.02
	secondReviewerShare = 0.03
)

// reviewer is a member of the review team.
type reviewer struct {
	ID        int
	Email     string
	PlainID   bool // completed_by is written as a bare id
	FirstName string
	LastName  string
}

var reviewers = []reviewer{
	{ID: 311, Email: "m.ortega@vendor.example.com", FirstName: "Marta", LastName: "Ortega"},
	{ID: 312, Email: "j.chen@vendor.example.com", FirstName: "Jun", LastName: "Chen"},
	{ID: 313, Email: "a.okafor@vendor.example.com", FirstName: "Ada", LastName: "Okafor"},
	{ID: 314, PlainID: true},
	{ID: 315, Email: "l.novak@vendor.example.com", FirstName: "Lena", LastName: "Novak"},
	{ID: 316, Email: "r.singh@vendor.example.com", FirstName: "Ravi", LastName: "Singh"},
	{ID: 317, PlainID: true},
	{ID: 318, Email: "s.berg@vendor.example.com", FirstName: "Sofia", LastName: "Berg"},
}

// review is one planned review of a resolved case.
type review struct {
	c        *simCase
	at       time.Time
	reviewer reviewer
	verdict  string
	category string
	feedback string
	evalID   string
}

// labelState carries the counters of the label writer across exports.
type labelState struct {
	r          *rand.Rand
	nextTask   int
	nextAnn    int
	nextEval   int
	feedbacks  int
	defects    map[string]int
	monthIndex int
	lastMonth  int
}

// writeLabels writes labels/export-YYYY-MM.json for every month with the
// reviews given in it.
func (g *generator) writeLabels(ctx context.Context) error {
	st := &labelState{
		r: g.rand(streamLabels), nextTask: firstTaskID, nextAnn: firstAnnotationID,
		nextEval: firstEvalID, defects: map[string]int{}, lastMonth: len(g.months) - 1,
	}
	reviews := g.planReviews(st)
	for i, m := range g.months {
		st.monthIndex = i
		var inMonth []*review
		for _, rv := range reviews {
			if !rv.at.Before(m.start) && rv.at.Before(m.end()) {
				inMonth = append(inMonth, rv)
			}
		}
		tasks := st.exportTasks(inMonth, g.unreviewedCase(st.r, reviews, m), m)
		rel := fmt.Sprintf("labels/export-%s.json", m.label())
		err := g.writeFile(ctx, rel, KindLabels, func(w *bufio.Writer) (int, error) {
			return len(tasks), writeIndentedJSON(w, tasks)
		})
		if err != nil {
			return err
		}
	}
	for name, n := range st.defects {
		g.summary.Defects[name] += n
	}
	return nil
}

// planReviews picks the reviewed cases and draws their verdicts, in the
// order the reviews were given.
func (g *generator) planReviews(st *labelState) []*review {
	r := st.r
	var reviews []*review
	for _, c := range g.sim.cases {
		if c.Resolved.IsZero() || r.Float64() >= c.Workflow.ReviewRate {
			continue
		}
		at := c.Resolved.Add(durationBetween(r, 2*time.Hour, 72*time.Hour)).Add(time.Duration(r.IntN(1000)) * time.Microsecond)
		if !at.Before(g.end) {
			continue
		}
		rv := &review{c: c, at: at, reviewer: pick(r, reviewers)}
		rv.verdict, rv.category = drawVerdict(r, c.Workflow.Accuracy)
		st.drawFeedback(rv)
		reviews = append(reviews, rv)
	}
	slices.SortStableFunc(reviews, func(a, b *review) int { return a.at.Compare(b.at) })
	return reviews
}

// unreviewedCase returns a random case resolved in month m that has no
// review, or nil when none is found.
func (g *generator) unreviewedCase(r *rand.Rand, reviews []*review, m month) *simCase {
	reviewed := make(map[*simCase]bool, len(reviews))
	for _, rv := range reviews {
		reviewed[rv.c] = true
	}
	cases := g.sim.cases
	if len(cases) == 0 {
		return nil
	}
	for range 10_000 {
		c := cases[r.IntN(len(cases))]
		if !reviewed[c] && !c.Resolved.Before(m.start) && c.Resolved.Before(m.end()) {
			return c
		}
	}
	return nil
}

// drawVerdict returns a verdict drawn with the given accuracy and, for a
// verdict other than Correct, a failure category.
func drawVerdict(r *rand.Rand, accuracy float64) (string, string) {
	if r.Float64() < accuracy {
		return verdictCorrect, ""
	}
	category := failureCategories[weighted(r, []float64{0.35, 0.3, 0.2, 0.15})]
	if r.Float64() < 0.6 {
		return verdictPartial, category
	}
	return verdictIncorrect, category
}

// drawFeedback gives half of the non-correct reviews and a few correct
// ones a feedback text, and marks about a third of those as incorporated
// into an eval case.
func (st *labelState) drawFeedback(rv *review) {
	r := st.r
	share := 0.08
	if rv.verdict != verdictCorrect {
		share = 0.5
	}
	if r.Float64() >= share {
		return
	}
	st.feedbacks++
	rv.feedback = feedbackText(r, rv)
	switch {
	case st.feedbacks%labelPIIEvery != 0:
	case st.feedbacks%(2*labelPIIEvery) == 0:
		rv.feedback += " Member asked for a call back on +1 415 555 0" + fmt.Sprint(100+r.IntN(900)) + "."
		st.defects[DefectFeedbackPhone]++
	default:
		rv.feedback += " Forward to " + pick(r, []string{"dana.reyes", "tom.hale", "priya.nair"}) + "@member-mail.example.org for follow-up."
		st.defects[DefectFeedbackEmail]++
	}
	if r.Float64() < 0.3 {
		rv.evalID = fmt.Sprintf("eval-%d", st.nextEval)
		st.nextEval++
	}
}
