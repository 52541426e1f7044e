package sources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
