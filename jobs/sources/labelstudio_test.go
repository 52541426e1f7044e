package sources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

// labelTask returns a Label Studio task with one annotation created and
// updated at the given RFC 3339 times.
func labelTask(id int, verdict, created, updated string) string {
	return fmt.Sprintf(`{"id":%d,"data":{"account_id":"acme","workflow":"claims","case_id":"c-%d"},
"annotations":[{"id":%d,"completed_by":14,"was_cancelled":false,"created_at":%q,"updated_at":%q,
"result":[{"id":"r","type":"choices","from_name":"verdict","to_name":"answer","value":{"choices":[%q]}}]}]}`,
		id, id, 1000+id, created, updated, verdict)
}

// fakeLabelStudio serves the tasks of project 7 in pages. It fails the
// first failures requests, alternating 429 (Retry-After: 3) and 500.
type fakeLabelStudio struct {
	tasks []string
	// failures is how many requests fail before the pages are served.
	failures int
	// bareArray sends each page as a JSON array instead of an object.
	bareArray bool

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
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	start := (page - 1) * size
	if page < 1 || size < 1 || start >= len(f.tasks) {
		// Label Studio responds with 404 to a page past the last one.
		http.Error(w, `{"detail":"Invalid page."}`, http.StatusNotFound)
		return
	}
	tasks := "[" + strings.Join(f.tasks[start:min(start+size, len(f.tasks))], ",") + "]"
	if f.bareArray {
		fmt.Fprint(w, tasks)
		return
	}
	fmt.Fprintf(w, `{"tasks":%s,"total":%d}`, tasks, len(f.tasks))
}

func labelStudioAPISource(url string, pageSize int) config.Source {
	return config.Source{Name: "ls", Kind: "labels", Format: "labelstudio",
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
	}

	fetch := report.Fetches[0]
	if fetch.Pages != 3 || fetch.Rows != 5 || fetch.Endpoint != srv.URL+"/api/tasks" {
		t.Errorf("fetch %+v, want 3 pages and 5 rows of %s/api/tasks", fetch, srv.URL)
	}
	if len(fetch.SHA256) != 64 || fetch.Bytes == 0 {
		t.Errorf("fetch sha256 %q bytes %d, want the hash of the pages read", fetch.SHA256, fetch.Bytes)
	}
	if got := report.State[labelStudioMark]; got != "2026-07-06T10:00:00Z" {
		t.Errorf("mark %q, want the latest annotation updated_at 2026-07-06T10:00:00Z", got)
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

// TestLabelStudioWarnsOfLateLabels checks the updated-since behaviour: a
// label created before the window and updated after the stored mark is
// logged with its date, one updated before the mark is not, and the mark
// only moves forward.
func TestLabelStudioWarnsOfLateLabels(t *testing.T) {
	fake := &fakeLabelStudio{tasks: []string{
		// Created in June, updated after the mark: a late change.
		labelTask(1, "Incorrect", "2026-06-20T10:00:00Z", "2026-07-10T09:00:00Z"),
		// Created in June, updated before the mark: loaded by an earlier run.
		labelTask(2, "Correct", "2026-06-21T10:00:00Z", "2026-06-30T09:00:00Z"),
		// Created in the window.
		labelTask(3, "Correct", "2026-07-02T10:00:00Z", "2026-07-02T10:00:00Z"),
	}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var waits []time.Duration
	var log bytes.Buffer
	opts := labelStudioOptions(&waits, &log)
	opts.State = map[string]string{labelStudioMark: "2026-07-01T00:00:00Z"}
	src, err := Open(labelStudioAPISource(srv.URL, 10), opts)
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	report, err := src.Extract(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}

	if len(sink.facts) != 3 {
		t.Errorf("facts %d, want all 3 tasks because every run reads every task", len(sink.facts))
	}
	if !strings.Contains(log.String(), "date=2026-06-20") || !strings.Contains(log.String(), "labels=1") {
		t.Errorf("log does not warn of the label dated 2026-06-20:\n%s", log.String())
	}
	if strings.Contains(log.String(), "2026-06-21") {
		t.Errorf("log warns of a label updated before the mark:\n%s", log.String())
	}
	if got := report.State[labelStudioMark]; got != "2026-07-10T09:00:00Z" {
		t.Errorf("mark %q, want 2026-07-10T09:00:00Z", got)
	}
	if got := report.Fetches[0].HighWaterMarks[labelStudioMark]; got != "2026-07-10T09:00:00Z" {
		t.Errorf("fetch mark %q, want 2026-07-10T09:00:00Z", got)
	}
}
