package sources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// labelStudioMark is the state key of the newest task updated_at that a
// committed run read.
const labelStudioMark = "tasks_updated_at"

// labelStudioTimeLayout formats Datetime filter values. Label Studio
// parses them with "%Y-%m-%dT%H:%M:%S.%fZ" (DATETIME_FORMAT in
// label_studio/data_manager/managers.py) into a time without a zone, which
// Django takes in TIME_ZONE, set to UTC in label_studio/core/settings/base.py.
const labelStudioTimeLayout = "2006-01-02T15:04:05.000000Z"

// labelStudio reads the tasks of one project from the paginated
// GET /api/tasks endpoint with every field, through the labelstudio record
// mapping.
//
// Label Studio saves a task's updated_at whenever one of its annotations
// is saved or deleted (Annotation.save and Annotation.delete in
// label_studio/tasks/models.py), and an annotation's created_at fixes the
// date of its label. So every label dated on or after a date D belongs to
// a task updated on or after D. A run therefore reads whole the dates from
// a floor date on. It requests the tasks updated since the floor and
// reports only the labels dated on or after it, so replace: input_dates
// replaces exactly those dates. The floor is the window start, moved back
// to the date of the last mark minus the overlap and to the earliest label
// date of the tasks changed since then. A server that ignores the
// updated_at filter returns more tasks but the same labels.
//
// NOTE: a label deleted in Label Studio stays in the warehouse when no
// remaining label shares its date, until a run whose window covers it.
type labelStudio struct {
	src         config.Source
	api         *apiClient
	opts        Options
	windowStart time.Time
	overlap     time.Duration
	fetch       Fetch
	hashed      *fetchHash
}

func newLabelStudio(src config.Source, opts Options) (*labelStudio, error) {
	tok, err := token(opts.Getenv, src.Name, src.Location.TokenEnv)
	if err != nil {
		return nil, err
	}
	overlap, err := src.Location.OverlapDuration()
	if err != nil {
		return nil, fmt.Errorf("source %s: overlap %q is not a duration: %w", src.Name, src.Location.Overlap, err)
	}
	api := &apiClient{base: src.Location.URL, auth: "Token " + tok, tokenEnv: src.Location.TokenEnv,
		accept: "application/json", http: opts.HTTPClient, sleep: opts.Sleep,
		log: opts.Logger.With("source", src.Name)}
	return &labelStudio{src: src, api: api, opts: opts, windowStart: utcDay(opts.From), overlap: overlap}, nil
}

// taskPage is one GET /api/tasks response of Label Studio 1.x, an object
// with tasks and total. A response that is a bare array of tasks is also
// accepted.
type taskPage struct {
	Tasks []json.RawMessage `json:"tasks"`
	Total *int              `json:"total"`
}

// Extract finds the floor date, then reports the labels dated on or after
// it from every task updated since it, and returns the newest task
// updated_at read as the mark.
func (l *labelStudio) Extract(ctx context.Context, sink transforms.Sink) (*Report, error) {
	endpoint := l.api.base + "/api/tasks"
	l.hashed = newFetchHash()
	l.fetch = Fetch{Source: l.src.Name, Endpoint: endpoint}
	previous := l.opts.State[labelStudioMark]
	floor, err := l.floor(ctx, endpoint, previous)
	if err != nil {
		return nil, err
	}

	kept := &floorSink{next: sink, floor: floor}
	stream, err := extract.NewRecordStream(ctx, l.src, endpoint, kept)
	if err != nil {
		return nil, err
	}
	var newest time.Time
	err = l.eachTask(ctx, floor, func(raw json.RawMessage) error {
		if updated, ok := taskUpdatedAt(raw); ok && updated.After(newest) {
			newest = updated
		}
		return stream.Add(raw)
	})
	if err != nil {
		return nil, err
	}
	if kept.dropped > 0 {
		l.api.log.Info("left out labels dated before the first date read whole", "floor", floor.Format(time.DateOnly),
			"labels", kept.dropped)
	}

	mark := l.nextMark(previous, newest)
	records := stream.Records() - kept.dropped
	l.fetch.Rows, l.fetch.Bytes, l.fetch.SHA256 = records, l.hashed.bytes, l.hashed.sum()
	l.fetch.HighWaterMarks = map[string]string{"previous": previous, labelStudioMark: mark}
	report := &Report{Records: records, Fetches: []Fetch{l.fetch}, State: map[string]string{}}
	if mark != "" {
		report.State[labelStudioMark] = mark
	}
	return report, nil
}

// floor returns the first date whose labels this run reads whole. The
// zero time reads every task: the first run with replace: input_dates.
// With replace: window the floor is the window start, and labels changed
// since the last run on earlier dates are logged.
func (l *labelStudio) floor(ctx context.Context, endpoint, previous string) (time.Time, error) {
	inputDates := l.src.Replace == config.ReplaceInputDates
	if previous == "" {
		if inputDates {
			return time.Time{}, nil
		}
		return l.windowStart, nil
	}

	mark, err := time.Parse(time.RFC3339Nano, previous)
	if err != nil {
		return time.Time{}, fmt.Errorf("source %s: stored mark %s %q is not an RFC 3339 time; remove it from source_state so the next run reads every task: %w",
			l.src.Name, labelStudioMark, previous, err)
	}
	since := mark.Add(-l.overlap)
	changed, err := l.changedDates(ctx, endpoint, since)
	if err != nil {
		return time.Time{}, err
	}
	if !inputDates {
		l.warnLate(changed)
		return l.windowStart, nil
	}

	floor := l.windowStart
	if day := utcDay(since); day.Before(floor) {
		floor = day
	}
	if dates := changed.sorted(); len(dates) > 0 && dates[0].Before(floor) {
		floor = dates[0]
	}
	if floor.Before(l.windowStart) {
		l.api.log.Info("reading labels from before the window because tasks changed since the last run",
			"floor", floor.Format(time.DateOnly), "since", since.Format(time.RFC3339Nano))
	}
	return floor, nil
}

// changedDates counts by date the labels of the tasks updated at or after
// since. A task whose updated_at is unreadable counts as updated.
func (l *labelStudio) changedDates(ctx context.Context, endpoint string, since time.Time) (*dateSink, error) {
	dates := &dateSink{counts: map[time.Time]int{}}
	stream, err := extract.NewRecordStream(ctx, l.src, endpoint, dates)
	if err != nil {
		return nil, err
	}
	err = l.eachTask(ctx, since, func(raw json.RawMessage) error {
		if updated, ok := taskUpdatedAt(raw); ok && updated.Before(since) {
			return nil
		}
		return stream.Add(raw)
	})
	if err != nil {
		return nil, err
	}
	return dates, nil
}

// eachTask pages through the project's tasks updated at or after
// updatedFrom (every task when it is zero), ordered by id, until a page
// comes back short or Label Studio responds with 404 to a page past the
// end. Ordering by id means a task updated during the listing can only be
// read twice, never skipped: updated_at only grows, so no task leaves the
// filter.
func (l *labelStudio) eachTask(ctx context.Context, updatedFrom time.Time, fn func(json.RawMessage) error) error {
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("source %s: %w", l.src.Name, err)
		}
		tasks, found, err := l.page(ctx, page, updatedFrom)
		if err != nil {
			return err
		}
		if !found {
			return nil
		}
		l.fetch.Pages++
		for _, raw := range tasks {
			if err := fn(raw); err != nil {
				return err
			}
		}
		if len(tasks) < l.src.Location.PageSize {
			return nil
		}
	}
}

// page returns the tasks of one page. It reports found=false when Label
// Studio responds with 404 to a page after the first, which ends the listing.
func (l *labelStudio) page(ctx context.Context, page int, updatedFrom time.Time) (tasks []json.RawMessage, found bool, err error) {
	q := url.Values{
		"project":   {strconv.Itoa(l.src.Location.ProjectID)},
		"page":      {strconv.Itoa(page)},
		"page_size": {strconv.Itoa(l.src.Location.PageSize)},
		"fields":    {"all"},
	}
	if !updatedFrom.IsZero() {
		q.Set("query", updatedSinceQuery(updatedFrom))
	}
	body, err := l.api.get(ctx, "/api/tasks", q)
	var status *httpStatusError
	if errors.As(err, &status) && status.Status == http.StatusNotFound && page > 1 {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("source %s: %w", l.src.Name, err)
	}
	l.hashed.Write(body)
	var p taskPage
	if err := json.Unmarshal(body, &p); err == nil {
		return p.Tasks, true, nil
	}
	if err := json.Unmarshal(body, &tasks); err != nil {
		return nil, false, fmt.Errorf("source %s: GET %s/api/tasks page %d: response is neither {\"tasks\": [...]} nor an array: %w",
			l.src.Name, l.api.base, page, err)
	}
	return tasks, true, nil
}

// updatedSinceQuery returns the query parameter of GET /api/tasks that
// selects the tasks updated at or after t, ordered by id: a Data Manager
// filter on tasks:updated_at, the form label-studio-sdk sends.
func updatedSinceQuery(t time.Time) string {
	type filter struct {
		Filter   string `json:"filter"`
		Operator string `json:"operator"`
		Type     string `json:"type"`
		Value    string `json:"value"`
	}
	query := map[string]any{
		"filters": map[string]any{
			"conjunction": "and",
			"items": []filter{{Filter: "filter:tasks:updated_at", Operator: "greater_or_equal", Type: "Datetime",
				Value: t.UTC().Format(labelStudioTimeLayout)}},
		},
		"ordering": []string{"tasks:id"},
	}
	text, _ := json.Marshal(query) // maps, strings and slices always encode
	return string(text)
}

// nextMark returns the mark to store: the newest task updated_at read, but
// no later than the Date of the first response. A task updated while the
// pages were read may sit on a page read before the update, and its
// updated_at is after that Date, so the next run reads it again. The mark
// never moves back.
func (l *labelStudio) nextMark(previous string, newest time.Time) string {
	if newest.IsZero() {
		return previous
	}
	if served := l.api.firstServed; !served.IsZero() && newest.After(served) {
		newest = served
	}
	return laterMark(previous, newest.UTC().Format(time.RFC3339Nano))
}

// warnLate logs the dates before the window whose labels changed since the
// last run, which replace: window leaves out.
func (l *labelStudio) warnLate(changed *dateSink) {
	for _, d := range changed.sorted() {
		if !d.Before(l.windowStart) {
			break
		}
		l.api.log.Warn("labels changed since the last run on a date before the window; replace: window leaves them out, so run that date again or set replace: input_dates",
			"date", d.Format(time.DateOnly), "labels", changed.counts[d])
	}
}

// taskUpdatedAt returns a task's updated_at, reporting false when it is
// missing or not RFC 3339.
func taskUpdatedAt(raw []byte) (time.Time, bool) {
	var task struct {
		UpdatedAt string `json:"updated_at"`
	}
	if json.Unmarshal(raw, &task) != nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, task.UpdatedAt)
	return t, err == nil
}

// floorSink passes facts dated on or after floor, and every reject, to
// next. It counts the facts it leaves out, which the source does not
// report. A zero floor passes every fact.
type floorSink struct {
	next    transforms.Sink
	floor   time.Time
	dropped int64
}

func (s *floorSink) Fact(f transforms.Fact) error {
	if !s.floor.IsZero() && f.PartitionDate().Before(s.floor) {
		s.dropped++
		return nil
	}
	return s.next.Fact(f)
}

func (s *floorSink) Reject(r transforms.Reject) error { return s.next.Reject(r) }

// dateSink counts facts by partition date and ignores rejects.
type dateSink struct {
	counts map[time.Time]int
}

func (s *dateSink) Fact(f transforms.Fact) error {
	s.counts[f.PartitionDate()]++
	return nil
}

func (s *dateSink) Reject(transforms.Reject) error { return nil }

func (s *dateSink) sorted() []time.Time {
	out := make([]time.Time, 0, len(s.counts))
	for d := range s.counts {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

func mustParse(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
