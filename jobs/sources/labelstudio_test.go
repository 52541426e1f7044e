package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

// labelTask returns a Label Studio task with one annotation created at
// created. The annotation and the task were last updated at updated.
func labelTask(id int, verdict, created, updated string) string {
	return fmt.Sprintf(`{"id":%d,"updated_at":%q,"data":{"account_id":"acme","workflow":"claims","case_id":"c-%d"},
"annotations":[{"id":%d,"completed_by":14,"was_cancelled":false,"created_at":%q,"updated_at":%q,
"result":[{"id":"r","type":"choices","from_name":"verdict","to_name":"answer","value":{"choices":[%q]}}]}]}`,
		id, updated, id, 1000+id, created, updated, verdict)
}

// fakeLabelStudio serves the tasks of project 7 in pages, ordered by id,
// as GET /api/tasks of Label Studio 1.x does. A query parameter must hold
// the Data Manager filter tasks:updated_at greater_or_equal with ordering
// by tasks:id, and selects the tasks updated at or after its value. It
// fails the first failures requests, alternating 429 (Retry-After: 3) and
// 500.
type fakeLabelStudio struct {
	tasks []string
	// failures is how many requests fail before the pages are served.
	failures int
	// bareArray sends each page as a JSON array instead of an object.
	bareArray bool
	// ignoreFilter serves every task whatever the query parameter selects.
	ignoreFilter bool
	// date is sent as the Date header when it is not zero.
	date time.Time

	mu       sync.Mutex
	requests []*url.URL
}

func (f *fakeLabelStudio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL)
	call := len(f.requests)
	f.mu.Unlock()

	switch {
	case r.Header.Get("Authorization") != "Token ls-token":
		http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusUnauthorized)
		return
	case call <= f.failures && call%2 == 1:
		w.Header().Set("Retry-After", "3")
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	case call <= f.failures:
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case r.URL.Path != "/api/tasks" || r.URL.Query().Get("project") != "7":
		http.NotFound(w, r)
		return
	}

	q := r.URL.Query()
	selected, err := f.selectTasks(q.Get("query"))
	if err != nil {
		http.Error(w, `{"detail":"`+err.Error()+`"}`, http.StatusBadRequest)
		return
	}
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	start := (page - 1) * size
	if page < 1 || size < 1 || (page > 1 && start >= len(selected)) {
		// Label Studio responds with 404 to a page past the last one,
		// and with an empty first page when no task matches.
		http.Error(w, `{"detail":"Invalid page."}`, http.StatusNotFound)
		return
	}
	if !f.date.IsZero() {
		w.Header().Set("Date", f.date.UTC().Format(http.TimeFormat))
	}
	tasks := "[" + strings.Join(selected[min(start, len(selected)):min(start+size, len(selected))], ",") + "]"
	if f.bareArray {
		fmt.Fprint(w, tasks)
		return
	}
	fmt.Fprintf(w, `{"tasks":%s,"total":%d}`, tasks, len(selected))
}

// selectTasks returns the tasks that query selects, ordered by id. An
// empty query selects every task.
func (f *fakeLabelStudio) selectTasks(query string) ([]string, error) {
	var from time.Time
	if query != "" {
		var parsed struct {
			Filters struct {
				Conjunction string `json:"conjunction"`
				Items       []struct {
					Filter, Operator, Type, Value string
				} `json:"items"`
			} `json:"filters"`
			Ordering []string `json:"ordering"`
		}
		if err := json.Unmarshal([]byte(query), &parsed); err != nil {
			return nil, fmt.Errorf("query is not JSON: %v", err)
		}
		items := parsed.Filters.Items
		if parsed.Filters.Conjunction != "and" || len(items) != 1 || items[0].Filter != "filter:tasks:updated_at" ||
			items[0].Operator != "greater_or_equal" || items[0].Type != "Datetime" {
			return nil, fmt.Errorf("unexpected filters %+v", parsed.Filters)
		}
		if len(parsed.Ordering) != 1 || parsed.Ordering[0] != "tasks:id" {
			return nil, fmt.Errorf("unexpected ordering %v", parsed.Ordering)
		}
		// Label Studio parses the value with %Y-%m-%dT%H:%M:%S.%fZ.
		var err error
		if from, err = time.Parse("2006-01-02T15:04:05.999999Z", items[0].Value); err != nil {
			return nil, fmt.Errorf("value %q does not match %%Y-%%m-%%dT%%H:%%M:%%S.%%fZ", items[0].Value)
		}
	}
	type task struct {
		ID        int    `json:"id"`
		UpdatedAt string `json:"updated_at"`
		raw       string
	}
	var tasks []task
	for _, raw := range f.tasks {
		var t task
		if err := json.Unmarshal([]byte(raw), &t); err != nil {
			return nil, err
		}
		t.raw = raw
		updated, err := time.Parse(time.RFC3339Nano, t.UpdatedAt)
		if f.ignoreFilter || from.IsZero() || (err == nil && !updated.Before(from)) {
			tasks = append(tasks, t)
		}
	}
	slices.SortFunc(tasks, func(a, b task) int { return a.ID - b.ID })
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.raw
	}
	return out, nil
}

// updatedFrom returns the tasks:updated_at value of each request's query
// parameter, "" for a request without one.
func (f *fakeLabelStudio) updatedFrom() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.requests))
	for i, u := range f.requests {
		var parsed struct {
			Filters struct {
				Items []struct{ Value string } `json:"items"`
			} `json:"filters"`
		}
		if json.Unmarshal([]byte(u.Query().Get("query")), &parsed) == nil && len(parsed.Filters.Items) == 1 {
			out[i] = parsed.Filters.Items[0].Value
		}
	}
	return out
}

func labelStudioAPISource(url string, pageSize int) config.Source {
	return config.Source{Name: "ls", Kind: "labels", Format: "labelstudio", Replace: config.ReplaceInputDates,
		Verdicts: map[string]string{"Correct": "correct", "Incorrect": "incorrect"},
		Location: config.Location{Type: config.LocationLabelStudioAPI, URL: url, TokenEnv: "LS_TOKEN",
			ProjectID: 7, PageSize: pageSize}}
}

func labelStudioOptions(waits *[]time.Duration, log *bytes.Buffer) Options {
	return Options{From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC),
		Getenv: func(name string) string {
			if name == "LS_TOKEN" {
				return "ls-token"
			}
			return ""
		},
		Sleep: func(_ context.Context, d time.Duration) error {
			*waits = append(*waits, d)
			return nil
		},
		Logger: slog.New(slog.NewTextHandler(log, nil)),
	}
}

func TestLabelStudioPagesAndRetries(t *testing.T) {
	fake := &fakeLabelStudio{failures: 2, tasks: []string{
		labelTask(1, "Correct", "2026-07-02T10:00:00Z", "2026-07-02T10:00:00Z"),
		labelTask(2, "Incorrect", "2026-07-03T10:00:00Z", "2026-07-05T08:30:00.5Z"),
		labelTask(3, "Correct", "2026-07-04T10:00:00Z", "2026-07-04T10:00:00Z"),
		labelTask(4, "Correct", "2026-07-05T10:00:00Z", "2026-07-05T10:00:00Z"),
		labelTask(5, "Incorrect", "2026-07-06T10:00:00Z", "2026-07-06T10:00:00Z"),
	}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var waits []time.Duration
	var log bytes.Buffer
	src, err := Open(labelStudioAPISource(srv.URL, 2), labelStudioOptions(&waits, &log))
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	report, err := src.Extract(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}

	if len(sink.facts) != 5 || len(sink.rejects) != 0 {
		t.Fatalf("facts %d rejects %v, want 5 facts", len(sink.facts), sink.rejects)
	}
	if report.Records != 5 {
		t.Errorf("report records %d, want 5", report.Records)
	}
	if len(waits) != 2 || waits[0] != 3*time.Second {
		t.Errorf("waits %v, want 3s from Retry-After and then a backoff after the 500", waits)
	}
	if waits[1] != 2*time.Second {
		t.Errorf("wait after the 500 is %v, want the second backoff step of 2s", waits[1])
	}
	if !strings.Contains(log.String(), "HTTP 429") || !strings.Contains(log.String(), "HTTP 500") {
		t.Errorf("log does not record both retries:\n%s", log.String())
	}
	if strings.Contains(log.String(), "ls-token") {
		t.Errorf("log contains the token:\n%s", log.String())
	}

	// Requests 1 and 2 failed. Pages 1, 2 and 3 follow, and page 3 is short.
	if len(fake.requests) != 5 {
		t.Fatalf("%d requests, want 2 failed and 3 pages: %v", len(fake.requests), fake.requests)
	}
	for i, u := range fake.requests[2:] {
		q := u.Query()
		if q.Get("fields") != "all" {
			t.Errorf("request %s lacks fields=all", u)
		}
		if q.Get("page") != strconv.Itoa(i+1) || q.Get("page_size") != "2" || q.Get("project") != "7" {
			t.Errorf("request %s, want page %d of project 7 with page_size 2", u, i+1)
		}
		if q.Has("query") {
			t.Errorf("request %s filters tasks, want every task on a first run", u)
		}
	}

	fetch := report.Fetches[0]
	if fetch.Pages != 3 || fetch.Rows != 5 || fetch.Endpoint != srv.URL+"/api/tasks" {
		t.Errorf("fetch %+v, want 3 pages and 5 rows of %s/api/tasks", fetch, srv.URL)
	}
	if len(fetch.SHA256) != 64 || fetch.Bytes == 0 {
		t.Errorf("fetch sha256 %q bytes %d, want the hash of the pages read", fetch.SHA256, fetch.Bytes)
	}
	if got := report.State[labelStudioMark]; got != "2026-07-06T10:00:00Z" {
		t.Errorf("mark %q, want the latest task updated_at 2026-07-06T10:00:00Z", got)
	}
	label := sink.facts[1].(*transforms.ReviewLabel)
	if label.Verdict != "incorrect" || label.CaseID != "c-2" {
		t.Errorf("second label %+v, want task 2's incorrect verdict", label)
	}
}

func TestLabelStudioStopsAtPageNotFound(t *testing.T) {
	fake := &fakeLabelStudio{bareArray: true, tasks: []string{
		labelTask(1, "Correct", "2026-07-02T10:00:00Z", "2026-07-02T10:00:00Z"),
		labelTask(2, "Correct", "2026-07-03T10:00:00Z", "2026-07-03T10:00:00Z"),
	}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var waits []time.Duration
	var log bytes.Buffer
	src, err := Open(labelStudioAPISource(srv.URL, 2), labelStudioOptions(&waits, &log))
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	report, err := src.Extract(context.Background(), sink)
	if err != nil {
		t.Fatalf("a 404 for the page after a full last page failed the run: %v", err)
	}
	if len(sink.facts) != 2 {
		t.Errorf("facts %d, want 2 from a bare array page", len(sink.facts))
	}
	if len(fake.requests) != 2 || len(waits) != 0 {
		t.Errorf("%d requests and waits %v, want page 1 and the 404 of page 2 with no retry", len(fake.requests), waits)
	}
	if report.Fetches[0].Pages != 1 {
		t.Errorf("pages %d, want 1 because the 404 page holds no tasks", report.Fetches[0].Pages)
	}
}

func TestLabelStudioFirstPageNotFoundFails(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	var waits []time.Duration
	var log bytes.Buffer
	src, err := Open(labelStudioAPISource(srv.URL, 2), labelStudioOptions(&waits, &log))
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Extract(context.Background(), &memorySink{})
	var status *httpStatusError
	if !errors.As(err, &status) || status.Status != http.StatusNotFound {
		t.Fatalf("error %v, want HTTP 404 because a missing project is not an empty one", err)
	}
}

func TestLabelStudioUnauthorizedNamesTokenVariable(t *testing.T) {
	fake := &fakeLabelStudio{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var waits []time.Duration
	var log bytes.Buffer
	opts := labelStudioOptions(&waits, &log)
	opts.Getenv = func(string) string { return "wrong-token" }
	src, err := Open(labelStudioAPISource(srv.URL, 2), opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Extract(context.Background(), &memorySink{})
	if !errors.Is(err, errAuth) {
		t.Fatalf("error %v, want an authentication error", err)
	}
	if !strings.Contains(err.Error(), "LS_TOKEN") || !strings.Contains(err.Error(), "/api/tasks") {
		t.Errorf("error %q does not name the endpoint and LS_TOKEN", err)
	}
	if strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("error %q contains the token", err)
	}
	if len(waits) != 0 || len(fake.requests) != 1 {
		t.Errorf("%d requests and waits %v, want one request and no retry", len(fake.requests), waits)
	}
}

func TestLabelStudioMissingTokenNamesVariable(t *testing.T) {
	_, err := Open(labelStudioAPISource("http://127.0.0.1:1", 2), Options{Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "LS_TOKEN") {
		t.Fatalf("error %v, want one naming LS_TOKEN", err)
	}
}

func TestLabelStudioRetriesThenFails(t *testing.T) {
	fake := &fakeLabelStudio{failures: 100}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var waits []time.Duration
	var log bytes.Buffer
	src, err := Open(labelStudioAPISource(srv.URL, 2), labelStudioOptions(&waits, &log))
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Extract(context.Background(), &memorySink{})
	if err == nil {
		t.Fatal("extract succeeded although every request failed")
	}
	if len(fake.requests) != maxAttempts {
		t.Errorf("%d requests, want %d attempts", len(fake.requests), maxAttempts)
	}
	if len(waits) != maxAttempts-1 {
		t.Errorf("waits %v, want one before each retry", waits)
	}
}

// loadTaskFixtures returns the tasks of testdata/labelstudio_tasks.json:
// task 2 holds a label dated 2026-06-20 that was edited on 2026-07-10,
// task 5 a label saved 5 minutes before midnight on 2026-07-04, and task 7
// no annotation.
func loadTaskFixtures(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/labelstudio_tasks.json")
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		t.Fatalf("decode testdata/labelstudio_tasks.json: %v", err)
	}
	tasks := make([]string, len(raws))
	for i, raw := range raws {
		tasks[i] = string(raw)
	}
	return tasks
}

// TestLabelStudioIncremental runs the source over the window 2026-07-01
// to 2026-07-31 with the overlap of 10m and checks the tasks:updated_at
// filter of each request, the labels reported and the mark.
func TestLabelStudioIncremental(t *testing.T) {
	tests := []struct {
		name         string
		replace      string
		mark         string
		ignoreFilter bool
		date         time.Time
		// updatedFrom is the filter value of each request, "" for none.
		updatedFrom []string
		labels      []string
		rejects     int
		wantMark    string
		wantLog     string
	}{
		{name: "first run reads every task", replace: config.ReplaceInputDates,
			updatedFrom: []string{""},
			labels:      []string{"1001", "1002", "1003", "1004", "1005", "1006"}, rejects: 1,
			wantMark: "2026-07-10T09:00:00.5Z"},
		{name: "first run with replace window reads the window", replace: config.ReplaceWindow,
			updatedFrom: []string{"2026-07-01T00:00:00.000000Z"},
			labels:      []string{"1004", "1005", "1006"}, rejects: 1,
			wantMark: "2026-07-10T09:00:00.5Z", wantLog: "left out labels dated before the first date read whole"},
		{name: "late edit moves the floor back", replace: config.ReplaceInputDates, mark: "2026-07-05T00:00:00Z",
			updatedFrom: []string{"2026-07-04T23:50:00.000000Z", "2026-06-20T00:00:00.000000Z"},
			labels:      []string{"1002", "1003", "1004", "1005", "1006"}, rejects: 1,
			wantMark: "2026-07-10T09:00:00.5Z", wantLog: "floor=2026-06-20"},
		{name: "no late edit reads from the window start", replace: config.ReplaceInputDates, mark: "2026-07-11T00:00:00Z",
			updatedFrom: []string{"2026-07-10T23:50:00.000000Z", "2026-07-01T00:00:00.000000Z"},
			labels:      []string{"1004", "1005", "1006"}, rejects: 1,
			wantMark: "2026-07-11T00:00:00Z"},
		{name: "server ignoring the filter gives the same labels", replace: config.ReplaceInputDates,
			mark: "2026-07-05T00:00:00Z", ignoreFilter: true,
			updatedFrom: []string{"2026-07-04T23:50:00.000000Z", "2026-06-20T00:00:00.000000Z"},
			labels:      []string{"1002", "1003", "1004", "1005", "1006"}, rejects: 1,
			wantMark: "2026-07-10T09:00:00.5Z"},
		{name: "replace window logs the late edit", replace: config.ReplaceWindow, mark: "2026-07-05T00:00:00Z",
			updatedFrom: []string{"2026-07-04T23:50:00.000000Z", "2026-07-01T00:00:00.000000Z"},
			labels:      []string{"1004", "1005", "1006"}, rejects: 1,
			wantMark: "2026-07-10T09:00:00.5Z", wantLog: "date=2026-06-20 labels=1"},
		{name: "mark stops at the server's Date", replace: config.ReplaceInputDates,
			date:        time.Date(2026, 7, 8, 12, 0, 0, 0, time.UTC),
			updatedFrom: []string{""},
			labels:      []string{"1001", "1002", "1003", "1004", "1005", "1006"}, rejects: 1,
			wantMark: "2026-07-08T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeLabelStudio{tasks: loadTaskFixtures(t), ignoreFilter: tt.ignoreFilter, date: tt.date}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			var waits []time.Duration
			var log bytes.Buffer
			opts := labelStudioOptions(&waits, &log)
			if tt.mark != "" {
				opts.State = map[string]string{labelStudioMark: tt.mark}
			}
			src := labelStudioAPISource(srv.URL, 10)
			src.Replace = tt.replace
			src.Location.Overlap = "10m"
			source, err := Open(src, opts)
			if err != nil {
				t.Fatal(err)
			}
			sink := &memorySink{}
			report, err := source.Extract(context.Background(), sink)
			if err != nil {
				t.Fatal(err)
			}

			if got := fake.updatedFrom(); !slices.Equal(got, tt.updatedFrom) {
				t.Errorf("requests filtered on updated_at from %q, want %q", got, tt.updatedFrom)
			}
			var labels []string
			for _, f := range sink.facts {
				labels = append(labels, f.(*transforms.ReviewLabel).LabelID)
			}
			slices.Sort(labels)
			if !slices.Equal(labels, tt.labels) {
				t.Errorf("labels %v, want %v", labels, tt.labels)
			}
			if len(sink.rejects) != tt.rejects {
				t.Errorf("rejects %v, want %d", sink.rejects, tt.rejects)
			}
			if want := int64(len(sink.facts) + len(sink.rejects)); report.Records != want || report.Fetches[0].Rows != want {
				t.Errorf("report records %d rows %d, want the %d records sent to the sink",
					report.Records, report.Fetches[0].Rows, want)
			}
			if got := report.State[labelStudioMark]; got != tt.wantMark {
				t.Errorf("mark %q, want %q", got, tt.wantMark)
			}
			if got := report.Fetches[0].HighWaterMarks["previous"]; got != tt.mark {
				t.Errorf("fetch records previous mark %q, want %q", got, tt.mark)
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, log.String())
			}
		})
	}
}

func TestLabelStudioInvalidStoredMark(t *testing.T) {
	fake := &fakeLabelStudio{tasks: loadTaskFixtures(t)}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var waits []time.Duration
	var log bytes.Buffer
	opts := labelStudioOptions(&waits, &log)
	opts.State = map[string]string{labelStudioMark: "yesterday"}
	source, err := Open(labelStudioAPISource(srv.URL, 10), opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = source.Extract(context.Background(), &memorySink{})
	if err == nil || !strings.Contains(err.Error(), labelStudioMark) || !strings.Contains(err.Error(), `"yesterday"`) {
		t.Fatalf("error %v, want one naming the mark %s and its value", err, labelStudioMark)
	}
	if len(fake.requests) != 0 {
		t.Errorf("%d requests, want none before the mark is read", len(fake.requests))
	}
}
