package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
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

// memorySink keeps every fact and reject.
type memorySink struct {
	facts   []transforms.Fact
	rejects []transforms.Reject
}

func (m *memorySink) Fact(f transforms.Fact) error     { m.facts = append(m.facts, f); return nil }
func (m *memorySink) Reject(r transforms.Reject) error { m.rejects = append(m.rejects, r); return nil }

func incidentJSON(id, status, created string, extra string) string {
	return fmt.Sprintf(`{"id":%q,"status":%q,"created_at":%q,"title":"Incident %s","urgency":"high",
"service":{"id":"PSVC","summary":"Claims"},"acknowledgements":[]%s}`, id, status, created, id, extra)
}

// fakePagerDuty serves two pages of incidents, a 429 with Retry-After on
// the first request, a 500 on the second, and log entries.
type fakePagerDuty struct {
	mu       sync.Mutex
	requests []*http.Request
	calls    int
}

func (f *fakePagerDuty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls++
	call := f.calls
	f.requests = append(f.requests, r)
	f.mu.Unlock()
	switch {
	case r.Header.Get("Authorization") != "Token token=secret-token":
		http.Error(w, `{"error":{"message":"Unauthorized"}}`, http.StatusUnauthorized)
	case call == 1:
		w.Header().Set("Retry-After", "7")
		http.Error(w, "rate limited", http.StatusTooManyRequests)
	case call == 2:
		http.Error(w, "oops", http.StatusInternalServerError)
	case r.URL.Path == "/incidents/P2/log_entries":
		fmt.Fprint(w, `{"log_entries":[{"type":"trigger_log_entry","created_at":"2026-07-01T10:00:00Z"},
{"type":"acknowledge_log_entry","created_at":"2026-07-01T10:05:00Z"},
{"type":"resolve_log_entry","created_at":"2026-07-01T11:00:00Z"}],"more":false}`)
	case r.URL.Query().Get("offset") == "0":
		fmt.Fprintf(w, `{"incidents":[%s],"limit":1,"offset":0,"more":true}`,
			incidentJSON("P1", "triggered", "2026-07-01T09:00:00Z", ""))
	default:
		fmt.Fprintf(w, `{"incidents":[%s],"limit":1,"offset":1,"more":false}`,
			incidentJSON("P2", "resolved", "2026-07-01T10:00:00Z", ""))
	}
}

func pagerDutySource(url string) config.Source {
	return config.Source{Name: "pd", Kind: "incidents", Format: "pagerduty", Account: "acme",
		Severities: map[string]string{"high": "sev2"},
		Location:   config.Location{Type: config.LocationPagerDutyAPI, URL: url, TokenEnv: "PD_TOKEN", PageSize: 1}}
}

func TestPagerDutyPagesRetriesAndLogEntries(t *testing.T) {
	t.Setenv("TZ", "America/Los_Angeles")
	fake := &fakePagerDuty{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var waits []time.Duration
	opts := Options{From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC),
		Getenv: func(string) string { return "secret-token" },
		Sleep:  func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	src, err := Open(pagerDutySource(srv.URL), opts)
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	report, err := src.Extract(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if report.Records != 2 || len(sink.facts) != 2 {
		t.Fatalf("records %d facts %d rejects %v, want 2 facts", report.Records, len(sink.facts), sink.rejects)
	}
	if len(waits) != 2 || waits[0] != 7*time.Second {
		t.Errorf("waits %v, want 7s from Retry-After then a backoff", waits)
	}
	q := fake.requests[2].URL.Query()
	if q.Get("since") != "2026-07-01T00:00:00Z" || q.Get("until") != "2026-07-03T00:00:00Z" {
		t.Errorf("since %q until %q, want the window in UTC", q.Get("since"), q.Get("until"))
	}
	if q.Get("limit") != "1" || q.Get("time_zone") != "UTC" || q.Get("offset") != "0" {
		t.Errorf("query %v lacks limit, offset or time_zone", q)
	}
	resolved := sink.facts[1].(*transforms.Incident)
	if resolved.AcknowledgedAt.IsZero() || resolved.ResolvedAt.Format(time.RFC3339) != "2026-07-01T11:00:00Z" {
		t.Errorf("incident P2 acknowledged %v resolved %v, want the log entries' times", resolved.AcknowledgedAt, resolved.ResolvedAt)
	}
	if report.Fetches[0].Pages != 3 {
		t.Errorf("pages %d, want 2 incident pages and 1 log entry page", report.Fetches[0].Pages)
	}
}

func TestPagerDutyUnauthorizedNamesTokenVariable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	defer srv.Close()
	opts := Options{Getenv: func(string) string { return "wrong-token" }}
	src, err := Open(pagerDutySource(srv.URL), opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Extract(context.Background(), &memorySink{})
	if !errors.Is(err, errAuth) {
		t.Fatalf("error %v, want an authentication error", err)
	}
	if !strings.Contains(err.Error(), "PD_TOKEN") || !strings.Contains(err.Error(), "/incidents") {
		t.Errorf("error %q does not name the endpoint and PD_TOKEN", err)
	}
	if strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("error %q contains the token", err)
	}
}

// pagerDutyAPI serves GET /incidents from testdata/pagerduty_incidents.json,
// selecting by created_at in [since, until) and paging by offset and limit
// as the PagerDuty REST API v2 does. It records the since and until of
// each request.
type pagerDutyAPI struct {
	// date is sent as the Date header when it is not zero.
	date time.Time

	mu        sync.Mutex
	incidents []map[string]any
	ranges    []string
}

func newPagerDutyAPI(t *testing.T) *pagerDutyAPI {
	t.Helper()
	data, err := os.ReadFile("testdata/pagerduty_incidents.json")
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Incidents []map[string]any `json:"incidents"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		t.Fatalf("decode testdata/pagerduty_incidents.json: %v", err)
	}
	return &pagerDutyAPI{incidents: page.Incidents}
}

// set replaces the fields of the incident with the given id.
func (f *pagerDutyAPI) set(id string, fields map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, inc := range f.incidents {
		if inc["id"] == id {
			maps.Copy(inc, fields)
		}
	}
}

func (f *pagerDutyAPI) requestedRanges() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ranges)
}

func (f *pagerDutyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Token token=secret-token" {
		http.Error(w, `{"error":{"message":"Unauthorized"}}`, http.StatusUnauthorized)
		return
	}
	if r.URL.Path != "/incidents" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	since, errSince := time.Parse(time.RFC3339, q.Get("since"))
	until, errUntil := time.Parse(time.RFC3339, q.Get("until"))
	offset, errOffset := strconv.Atoi(q.Get("offset"))
	limit, errLimit := strconv.Atoi(q.Get("limit"))
	if errSince != nil || errUntil != nil || errOffset != nil || errLimit != nil || limit < 1 || q.Get("time_zone") != "UTC" {
		http.Error(w, `{"error":{"message":"Invalid Input Provided"}}`, http.StatusBadRequest)
		return
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if offset == 0 {
		f.ranges = append(f.ranges, q.Get("since")+"/"+q.Get("until"))
	}
	var matching []map[string]any
	for _, inc := range f.incidents {
		created, err := time.Parse(time.RFC3339, inc["created_at"].(string))
		if err == nil && !created.Before(since) && created.Before(until) {
			matching = append(matching, inc)
		}
	}
	page := matching[min(offset, len(matching)):min(offset+limit, len(matching))]
	if !f.date.IsZero() {
		w.Header().Set("Date", f.date.UTC().Format(http.TimeFormat))
	}
	body, _ := json.Marshal(map[string]any{"incidents": page, "limit": limit, "offset": offset,
		"more": offset+limit < len(matching)})
	w.Write(body)
}

// day returns the UTC midnight of a YYYY-MM-DD date.
func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func pagerDutyOptions(from, to string, state map[string]string, log *bytes.Buffer) Options {
	return Options{From: day(from), To: day(to), State: state,
		Getenv: func(string) string { return "secret-token" },
		Sleep:  func(context.Context, time.Duration) error { return nil },
		Logger: slog.New(slog.NewTextHandler(log, nil))}
}

// TestPagerDutyMarks runs the source over the window 2026-07-10 and checks
// the creation time ranges it requests, the incidents it reports and the
// marks it returns.
func TestPagerDutyMarks(t *testing.T) {
	seven, zero := 7, 0
	tests := []struct {
		name         string
		replace      string
		maxLookback  *int
		state        map[string]string
		date         time.Time
		ranges       []string
		incidents    []string
		fetchedUntil string
		openDates    string
		wantErr      []string
		wantLog      string
	}{
		{name: "first run fetches the window", replace: config.ReplaceInputDates,
			ranges:    []string{"2026-07-10T00:00:00Z/2026-07-11T00:00:00Z"},
			incidents: []string{"PD", "PE"}, fetchedUntil: "2026-07-11T00:00:00Z", openDates: "2026-07-10"},
		{name: "missed runs move since back to the mark", replace: config.ReplaceInputDates, maxLookback: &seven,
			state:     map[string]string{pagerDutyFetchedUntil: "2026-07-07T00:00:00Z"},
			ranges:    []string{"2026-07-07T00:00:00Z/2026-07-11T00:00:00Z"},
			incidents: []string{"PC", "PD", "PE"}, fetchedUntil: "2026-07-11T00:00:00Z", openDates: "2026-07-08,2026-07-10",
			wantLog: "fetching the incidents of missed runs"},
		{name: "mark inside a day fetches that day whole", replace: config.ReplaceInputDates,
			state:     map[string]string{pagerDutyFetchedUntil: "2026-07-08T15:30:00Z"},
			ranges:    []string{"2026-07-08T00:00:00Z/2026-07-11T00:00:00Z"},
			incidents: []string{"PC", "PD", "PE"}, fetchedUntil: "2026-07-11T00:00:00Z", openDates: "2026-07-08,2026-07-10"},
		{name: "gap longer than max_lookback_days fails", replace: config.ReplaceInputDates, maxLookback: &seven,
			state: map[string]string{pagerDutyFetchedUntil: "2026-07-01T00:00:00Z"},
			wantErr: []string{"from 2026-07-01 to 2026-07-09 (9 days)", "max_lookback_days 7",
				"evidencepack run --from 2026-07-01 --to 2026-07-09"}},
		{name: "max_lookback_days 0 fails on any gap", replace: config.ReplaceInputDates, maxLookback: &zero,
			state:   map[string]string{pagerDutyFetchedUntil: "2026-07-09T00:00:00Z"},
			wantErr: []string{"from 2026-07-09 to 2026-07-09 (1 days)", "max_lookback_days 0"}},
		{name: "open dates before the window are fetched again", replace: config.ReplaceInputDates,
			state: map[string]string{pagerDutyFetchedUntil: "2026-07-10T00:00:00Z", pagerDutyOpenDates: "2026-07-06,2026-07-08"},
			ranges: []string{"2026-07-06T00:00:00Z/2026-07-07T00:00:00Z", "2026-07-08T00:00:00Z/2026-07-09T00:00:00Z",
				"2026-07-10T00:00:00Z/2026-07-11T00:00:00Z"},
			incidents: []string{"PB", "PC", "PD", "PE"}, fetchedUntil: "2026-07-11T00:00:00Z",
			openDates: "2026-07-06,2026-07-08,2026-07-10"},
		{name: "adjacent open dates join the window range", replace: config.ReplaceInputDates,
			state:     map[string]string{pagerDutyFetchedUntil: "2026-07-10T00:00:00Z", pagerDutyOpenDates: "2026-07-09,2026-07-08"},
			ranges:    []string{"2026-07-08T00:00:00Z/2026-07-11T00:00:00Z"},
			incidents: []string{"PC", "PD", "PE"}, fetchedUntil: "2026-07-11T00:00:00Z", openDates: "2026-07-08,2026-07-10"},
		{name: "open date after a backfill window is kept", replace: config.ReplaceInputDates,
			state:     map[string]string{pagerDutyFetchedUntil: "2026-07-20T00:00:00Z", pagerDutyOpenDates: "2026-07-15"},
			ranges:    []string{"2026-07-10T00:00:00Z/2026-07-11T00:00:00Z"},
			incidents: []string{"PD", "PE"}, fetchedUntil: "2026-07-20T00:00:00Z", openDates: "2026-07-10,2026-07-15"},
		{name: "replace window fails on a gap", replace: config.ReplaceWindow,
			state:   map[string]string{pagerDutyFetchedUntil: "2026-07-08T00:00:00Z"},
			wantErr: []string{"from 2026-07-08 to 2026-07-09", "replace: input_dates", "--from 2026-07-08 --to 2026-07-09"}},
		{name: "replace window logs open dates it does not fetch", replace: config.ReplaceWindow,
			state:     map[string]string{pagerDutyFetchedUntil: "2026-07-10T00:00:00Z", pagerDutyOpenDates: "2026-07-06"},
			ranges:    []string{"2026-07-10T00:00:00Z/2026-07-11T00:00:00Z"},
			incidents: []string{"PD", "PE"}, fetchedUntil: "2026-07-11T00:00:00Z", openDates: "2026-07-10",
			wantLog: "date=2026-07-06"},
		{name: "fetched_until stops at the server's Date", replace: config.ReplaceInputDates,
			date:      time.Date(2026, 7, 10, 15, 30, 0, 0, time.UTC),
			ranges:    []string{"2026-07-10T00:00:00Z/2026-07-11T00:00:00Z"},
			incidents: []string{"PD", "PE"}, fetchedUntil: "2026-07-10T15:30:00Z", openDates: "2026-07-10"},
		{name: "invalid stored mark fails", replace: config.ReplaceInputDates,
			state:   map[string]string{pagerDutyFetchedUntil: "last night"},
			wantErr: []string{pagerDutyFetchedUntil, `"last night"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newPagerDutyAPI(t)
			fake.date = tt.date
			srv := httptest.NewServer(fake)
			defer srv.Close()
			var log bytes.Buffer
			src := pagerDutySource(srv.URL)
			src.Replace = tt.replace
			src.Location.PageSize = 2
			src.Location.MaxLookbackDays = tt.maxLookback
			source, err := Open(src, pagerDutyOptions("2026-07-10", "2026-07-10", tt.state, &log))
			if err != nil {
				t.Fatal(err)
			}
			sink := &memorySink{}
			report, err := source.Extract(context.Background(), sink)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("extract succeeded, want an error containing %q", tt.wantErr)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q lacks %q", err, want)
					}
				}
				if got := fake.requestedRanges(); len(got) != 0 {
					t.Errorf("requested %v, want no request", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}

			if got := fake.requestedRanges(); !slices.Equal(got, tt.ranges) {
				t.Errorf("requested ranges %v, want %v", got, tt.ranges)
			}
			var ids []string
			for _, f := range sink.facts {
				ids = append(ids, f.(*transforms.Incident).IncidentID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tt.incidents) || len(sink.rejects) != 0 {
				t.Errorf("incidents %v rejects %v, want %v", ids, sink.rejects, tt.incidents)
			}
			if got := report.State[pagerDutyFetchedUntil]; got != tt.fetchedUntil {
				t.Errorf("fetched_until %q, want %q", got, tt.fetchedUntil)
			}
			if got, ok := report.State[pagerDutyOpenDates]; got != tt.openDates || !ok {
				t.Errorf("open_dates %q (set %v), want %q", got, ok, tt.openDates)
			}
			if got := report.Fetches[0].HighWaterMarks["previous"]; got != tt.state[pagerDutyFetchedUntil] {
				t.Errorf("fetch records previous mark %q, want %q", got, tt.state[pagerDutyFetchedUntil])
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, log.String())
			}
		})
	}
}

// TestPagerDutyResolvedAfterItsWindow runs 2026-07-10 and then 2026-07-11.
// Incident PE, created on 2026-07-10, is resolved between the runs. The
// second run fetches 2026-07-10 again because PE was open, and reports PE
// with its resolution time; the open date then drops from the state.
func TestPagerDutyResolvedAfterItsWindow(t *testing.T) {
	fake := newPagerDutyAPI(t)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	src := pagerDutySource(srv.URL)
	src.Replace = config.ReplaceInputDates
	var log bytes.Buffer
	first, err := Open(src, pagerDutyOptions("2026-07-10", "2026-07-10", nil, &log))
	if err != nil {
		t.Fatal(err)
	}
	report, err := first.Extract(context.Background(), &memorySink{})
	if err != nil {
		t.Fatal(err)
	}

	fake.set("PE", map[string]any{"status": "resolved", "resolved_at": "2026-07-11T03:00:00Z",
		"acknowledgements": []any{map[string]any{"at": "2026-07-11T02:00:00Z"}}})
	second, err := Open(src, pagerDutyOptions("2026-07-11", "2026-07-11", report.State, &log))
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	report, err = second.Extract(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-07-10T00:00:00Z/2026-07-11T00:00:00Z", "2026-07-10T00:00:00Z/2026-07-12T00:00:00Z"}
	if got := fake.requestedRanges(); !slices.Equal(got, want) {
		t.Errorf("requested ranges %v, want %v", got, want)
	}
	var resolved *transforms.Incident
	for _, f := range sink.facts {
		if in := f.(*transforms.Incident); in.IncidentID == "PE" {
			resolved = in
		}
	}
	if resolved == nil {
		t.Fatal("second run did not report incident PE")
	}
	if got := resolved.ResolvedAt.Format(time.RFC3339); got != "2026-07-11T03:00:00Z" {
		t.Errorf("PE resolved_at %s, want 2026-07-11T03:00:00Z", got)
	}
	if got := resolved.AcknowledgedAt.Format(time.RFC3339); got != "2026-07-11T02:00:00Z" {
		t.Errorf("PE acknowledged_at %s, want 2026-07-11T02:00:00Z", got)
	}
	if got := report.State[pagerDutyOpenDates]; got != "" {
		t.Errorf("open_dates %q after PE was resolved, want none", got)
	}
}
