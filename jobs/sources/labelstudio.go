package sources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// labelStudioMark is the state key of the latest annotation updated_at.
const labelStudioMark = "annotations_updated_at"

// labelStudio reads the tasks of one project from the paginated
// GET /api/tasks endpoint with every field, through the labelstudio record
// mapping. Like a Label Studio export file, it reads every task: labels
// dated outside the window are counted as outside the window.
type labelStudio struct {
	src   config.Source
	api   *apiClient
	opts  Options
	from  time.Time
	until time.Time
}

func newLabelStudio(src config.Source, opts Options) (*labelStudio, error) {
	tok, err := token(opts.Getenv, src.Name, src.Location.TokenEnv)
	if err != nil {
		return nil, err
	}
	api := &apiClient{base: src.Location.URL, auth: "Token " + tok, tokenEnv: src.Location.TokenEnv,
		accept: "application/json", http: opts.HTTPClient, sleep: opts.Sleep,
		log: opts.Logger.With("source", src.Name)}
	return &labelStudio{src: src, api: api, opts: opts, from: utcDay(opts.From), until: dayAfter(opts.To)}, nil
}

// taskPage is one GET /api/tasks response of Label Studio 1.x, an object
// with tasks and total. A response that is a bare array of tasks is also
// accepted.
type taskPage struct {
	Tasks []json.RawMessage `json:"tasks"`
	Total *int              `json:"total"`
}

// Extract pages through the project's tasks until a page comes back short
// or Label Studio responds with 404 to a page past the end.
// NOTE: every task is fetched on every run. The high-water mark of
// annotation updated_at only finds labels changed since the last
// successful run on dates before the window, which are logged so those
// dates can be run again.
func (l *labelStudio) Extract(ctx context.Context, sink transforms.Sink) (*Report, error) {
	endpoint := l.api.base + "/api/tasks"
	stream, err := extract.NewRecordStream(ctx, l.src, endpoint, sink)
	if err != nil {
		return nil, err
	}
	hashed := newFetchHash()
	fetch := Fetch{Source: l.src.Name, Endpoint: endpoint}
	marks := &labelMarks{previous: l.opts.State[labelStudioMark], windowStart: l.from}
	for page := 1; ; page++ {
		tasks, found, err := l.page(ctx, page, hashed)
		if err != nil {
			return nil, err
		}
		if !found {
			break
		}
		fetch.Pages++
		for _, raw := range tasks {
			marks.observe(raw)
			if err := stream.Add(raw); err != nil {
				return nil, err
			}
		}
		if len(tasks) < l.src.Location.PageSize {
			break
		}
	}
	l.warnLate(marks)
	fetch.Rows, fetch.Bytes, fetch.SHA256 = stream.Records(), hashed.bytes, hashed.sum()
	fetch.HighWaterMarks = map[string]string{labelStudioMark: marks.latest}
	report := &Report{Records: stream.Records(), Fetches: []Fetch{fetch}, State: map[string]string{}}
	if marks.latest != "" {
		report.State[labelStudioMark] = marks.latest
	}
	return report, nil
}

// page returns the tasks of one page. It reports found=false when Label
// Studio responds with 404 to a page after the first, which ends the listing.
func (l *labelStudio) page(ctx context.Context, page int, hashed *fetchHash) (tasks []json.RawMessage, found bool, err error) {
	q := url.Values{
		"project":   {strconv.Itoa(l.src.Location.ProjectID)},
		"page":      {strconv.Itoa(page)},
		"page_size": {strconv.Itoa(l.src.Location.PageSize)},
		"fields":    {"all"},
	}
	body, err := l.api.get(ctx, "/api/tasks", q)
	var status *httpStatusError
	if errors.As(err, &status) && status.Status == http.StatusNotFound && page > 1 {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("source %s: %w", l.src.Name, err)
	}
	hashed.Write(body)
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

func (l *labelStudio) warnLate(m *labelMarks) {
	for _, d := range m.lateDates() {
		l.api.log.Warn("labels changed since the last run on a date before the window; run that date again to load them",
			"date", d, "labels", m.late[d])
	}
}

// labelMarks tracks the latest annotation updated_at and the labels dated
// before the window that changed after the previous mark.
type labelMarks struct {
	previous    string
	windowStart time.Time
	latest      string
	late        map[string]int
}

type annotationTimes struct {
	Annotations []struct {
		CreatedAt string `json:"created_at"`
		UpdatedAt string `json:"updated_at"`
	} `json:"annotations"`
}

func (m *labelMarks) observe(raw []byte) {
	var task annotationTimes
	if json.Unmarshal(raw, &task) != nil {
		return
	}
	for _, a := range task.Annotations {
		updated, err := time.Parse(time.RFC3339Nano, a.UpdatedAt)
		if err != nil {
			continue
		}
		mark := updated.UTC().Format(time.RFC3339Nano)
		if m.latest == "" || updated.After(mustParse(m.latest)) {
			m.latest = mark
		}
		created, err := time.Parse(time.RFC3339Nano, a.CreatedAt)
		if err != nil || m.previous == "" || !created.Before(m.windowStart) || !updated.After(mustParse(m.previous)) {
			continue
		}
		if m.late == nil {
			m.late = map[string]int{}
		}
		m.late[created.UTC().Format(time.DateOnly)]++
	}
}

func (m *labelMarks) lateDates() []string {
	out := make([]string, 0, len(m.late))
	for d := range m.late {
		out = append(out, d)
	}
	return out
}

func mustParse(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
