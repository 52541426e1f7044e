package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// lsTask is one task of a Label Studio JSON export.
type lsTask struct {
	ID                   int            `json:"id"`
	Data                 lsData         `json:"data"`
	Annotations          []lsAnnotation `json:"annotations"`
	Predictions          []any          `json:"predictions"`
	CreatedAt            string         `json:"created_at"`
	UpdatedAt            string         `json:"updated_at"`
	InnerID              int            `json:"inner_id"`
	TotalAnnotations     int            `json:"total_annotations"`
	CancelledAnnotations int            `json:"cancelled_annotations"`
	TotalPredictions     int            `json:"total_predictions"`
	Project              int            `json:"project"`
}

// lsData is the task data the review project imports.
type lsData struct {
	CaseID         string `json:"case_id"`
	AccountID      string `json:"account_id"`
	Workflow       string `json:"workflow"`
	Output         string `json:"output"`
	IncorporatedAs string `json:"incorporated_as,omitempty"`
}

// lsAnnotation is one reviewer's annotation of a task.
type lsAnnotation struct {
	ID           int        `json:"id"`
	CompletedBy  any        `json:"completed_by"` // lsUser, or the bare user id
	Result       []lsResult `json:"result"`
	WasCancelled bool       `json:"was_cancelled"`
	GroundTruth  bool       `json:"ground_truth"`
	CreatedAt    string     `json:"created_at"`
	UpdatedAt    string     `json:"updated_at"`
	LeadTime     float64    `json:"lead_time"`
	Task         int        `json:"task"`
	Project      int        `json:"project"`
}

// lsUser is the expanded completed_by object.
type lsUser struct {
	ID        int    `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// lsResult is one region result of an annotation.
type lsResult struct {
	ID       string  `json:"id"`
	Type     string  `json:"type"`
	Value    lsValue `json:"value"`
	Origin   string  `json:"origin"`
	ToName   string  `json:"to_name"`
	FromName string  `json:"from_name"`
}

// lsValue holds the choices of a choices result or the text of a textarea.
type lsValue struct {
	Choices []string `json:"choices,omitempty"`
	Text    []string `json:"text,omitempty"`
}

// exportTasks builds the tasks of one monthly export: one per review,
// some with a second reviewer, some repeated at the end with an updated
// verdict, one with a cancelled annotation in the first and last export,
// and one for the unreviewed case pending, without annotations.
func (st *labelState) exportTasks(reviews []*review, pending *simCase, m month) []lsTask {
	tasks := make([]lsTask, 0, len(reviews)+8)
	var repeats []lsTask
	for _, rv := range reviews {
		t := st.newTask(rv.c, rv.evalID)
		t.Annotations = []lsAnnotation{st.annotation(rv, t.ID, rv.at)}
		switch x := st.r.Float64(); {
		case x < secondReviewerShare:
			t.Annotations = append(t.Annotations, st.secondAnnotation(rv, t.ID))
			st.defects[DefectSecondReviewer]++
		case x < secondReviewerShare+updatedTaskShare:
			repeats = append(repeats, st.updatedTask(t, rv, m))
			st.defects[DefectUpdatedTask]++
		}
		tasks = append(tasks, finishTask(t))
	}
	if len(tasks) > 0 && (st.monthIndex == 0 || st.monthIndex == st.lastMonth) {
		st.addCancelled(tasks)
	}
	if pending != nil {
		t := st.newTask(pending, "")
		tasks = append(tasks, finishTask(t))
		st.defects[DefectUnannotatedTask]++
	}
	return append(tasks, repeats...)
}

// newTask returns a task for case c created an hour after its resolution.
func (st *labelState) newTask(c *simCase, evalID string) lsTask {
	id := st.nextTask
	st.nextTask++
	created := formatLabelTime(c.Resolved.Add(time.Hour + time.Duration(st.r.IntN(1_000_000))*time.Microsecond))
	return lsTask{
		ID: id,
		Data: lsData{CaseID: c.ID, AccountID: c.Account.ID, Workflow: c.Workflow.Name,
			Output: outputText(st.r, c), IncorporatedAs: evalID},
		Annotations: []lsAnnotation{},
		Predictions: []any{},
		CreatedAt:   created,
		UpdatedAt:   created,
		InnerID:     id - firstTaskID + 1,
		Project:     labelProject,
	}
}

// finishTask sets the counters and update time that follow from the
// task's annotations.
func finishTask(t lsTask) lsTask {
	t.TotalAnnotations, t.CancelledAnnotations = 0, 0
	for _, a := range t.Annotations {
		if a.WasCancelled {
			t.CancelledAnnotations++
		} else {
			t.TotalAnnotations++
		}
		t.UpdatedAt = max(t.UpdatedAt, a.UpdatedAt)
	}
	return t
}

// annotation returns a new annotation with the review's verdict.
func (st *labelState) annotation(rv *review, taskID int, at time.Time) lsAnnotation {
	id := st.nextAnn
	st.nextAnn++
	return lsAnnotation{
		ID:          id,
		CompletedBy: completedBy(rv.reviewer),
		Result:      st.results(rv.verdict, rv.category, rv.feedback),
		CreatedAt:   formatLabelTime(at),
		UpdatedAt:   formatLabelTime(at),
		LeadTime:    float64(st.r.IntN(240_000)+5_000) / 1000,
		Task:        taskID,
		Project:     labelProject,
	}
}

// secondAnnotation returns an annotation by another reviewer, who agrees
// four times in five.
func (st *labelState) secondAnnotation(rv *review, taskID int) lsAnnotation {
	second := *rv
	for second.reviewer.ID == rv.reviewer.ID {
		second.reviewer = pick(st.r, reviewers)
	}
	if st.r.Float64() < 0.2 {
		second.verdict, second.category = drawVerdict(st.r, 0.5)
	}
	second.feedback = ""
	return st.annotation(&second, taskID, rv.at.Add(durationBetween(st.r, time.Hour, 30*time.Hour)))
}

// updatedTask returns a later copy of task t whose annotation keeps its id
// but has a different verdict and a later updated_at inside month m.
func (st *labelState) updatedTask(t lsTask, rv *review, m month) lsTask {
	upd := rv.at.Add(durationBetween(st.r, time.Hour, 5*24*time.Hour))
	if !upd.Before(m.end()) {
		upd = rv.at.Add(m.end().Sub(rv.at) / 2)
	}
	changed := *rv
	if rv.verdict == verdictCorrect {
		changed.verdict, changed.category = verdictIncorrect, pick(st.r, failureCategories)
	} else {
		changed.verdict, changed.category = verdictCorrect, ""
	}
	a := t.Annotations[0]
	a.Result = st.results(changed.verdict, changed.category, changed.feedback)
	a.UpdatedAt = formatLabelTime(upd)
	t.Annotations = []lsAnnotation{a}
	return finishTask(t)
}

// addCancelled adds a cancelled annotation by a second reviewer to one
// task that has a single annotation.
func (st *labelState) addCancelled(tasks []lsTask) {
	for range 1000 {
		i := st.r.IntN(len(tasks))
		if len(tasks[i].Annotations) != 1 {
			continue
		}
		first := tasks[i].Annotations[0]
		other := reviewers[(st.r.IntN(len(reviewers)-1)+1+reviewerIndex(first))%len(reviewers)]
		at := formatLabelTime(parseLabelTime(first.CreatedAt).Add(durationBetween(st.r, time.Minute, 2*time.Hour)))
		cancelled := lsAnnotation{
			ID: st.nextAnn, CompletedBy: completedBy(other), Result: []lsResult{},
			WasCancelled: true, CreatedAt: at, UpdatedAt: at,
			LeadTime: float64(st.r.IntN(20_000)+1_000) / 1000, Task: tasks[i].ID, Project: labelProject,
		}
		st.nextAnn++
		tasks[i].Annotations = append(tasks[i].Annotations, cancelled)
		tasks[i] = finishTask(tasks[i])
		st.defects[DefectCancelledAnnotation]++
		return
	}
}

// reviewerIndex returns the position in reviewers of the annotation's
// author.
func reviewerIndex(a lsAnnotation) int {
	id := 0
	switch by := a.CompletedBy.(type) {
	case lsUser:
		id = by.ID
	case int:
		id = by
	}
	for i, rv := range reviewers {
		if rv.ID == id {
			return i
		}
	}
	return 0
}

// results returns the verdict, failure category and feedback results.
func (st *labelState) results(verdict, category, feedback string) []lsResult {
	out := []lsResult{choiceResult(st.r, "verdict", verdict)}
	if category != "" {
		out = append(out, choiceResult(st.r, "failure_category", category))
	}
	if feedback != "" {
		out = append(out, lsResult{ID: token(st.r, mixedChars, 10), Type: "textarea",
			Value: lsValue{Text: []string{feedback}}, Origin: "manual", ToName: "output", FromName: "feedback"})
	}
	return out
}

func choiceResult(r *rand.Rand, from, choice string) lsResult {
	return lsResult{ID: token(r, mixedChars, 10), Type: "choices",
		Value: lsValue{Choices: []string{choice}}, Origin: "manual", ToName: "output", FromName: from}
}

// completedBy returns the reviewer as Label Studio writes it: an object,
// or a bare id for reviewers exported that way.
func completedBy(rv reviewer) any {
	if rv.PlainID {
		return rv.ID
	}
	return lsUser{ID: rv.ID, Email: rv.Email, FirstName: rv.FirstName, LastName: rv.LastName}
}

func formatLabelTime(t time.Time) string { return t.UTC().Format(labelTimeLayout) }

func parseLabelTime(s string) time.Time {
	t, err := time.Parse(labelTimeLayout, s)
	if err != nil {
		panic(fmt.Sprintf("demo: label time %q written by this package does not parse: %v", s, err))
	}
	return t
}
