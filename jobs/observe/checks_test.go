package observe

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/checks"
	"evidencepack/jobs/run"
)

// checkedManifest returns testManifest with three checks, one of them
// failed, and the freshness of two sources, one of them without facts.
func checkedManifest() *run.Manifest {
	m := testManifest()
	newest := time.Date(2026, 7, 2, 18, 0, 0, 0, time.UTC)
	m.Checks = []checks.Result{
		{Name: "usage_events.unique", Table: "usage_events", Kind: "unique", Columns: []string{"event_id"},
			Severity: "error", Status: checks.StatusPassed},
		{Name: "usage_events.not_null", Table: "usage_events", Kind: "not_null",
			Columns: []string{"event_id", "account_id"}, Severity: "error", Status: checks.StatusPassed},
		{Name: "late labels", Table: "review_labels", Kind: "range", Columns: []string{"labeled_at"},
			Severity: "warn", Status: checks.StatusFailed, FailingCount: 3},
	}
	m.Freshness = []checks.FreshnessResult{
		{Source: "product_events", Table: "usage_events", NewestAt: &newest, AgeSeconds: 21600,
			Status: checks.StatusPassed},
		{Source: "empty_source", Table: "cost_lines", Status: checks.StatusFailed, Severity: "warn"},
	}
	return m
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

func TestMetricsChecksAndFreshness(t *testing.T) {
	m := NewMetrics(false)
	m.ObserveRun("nightly", checkedManifest(), nil, time.Second)
	body := scrape(t, m)
	for _, want := range []string{
		`evidencepack_checks{severity="error",status="passed",table="usage_events"} 2`,
		`evidencepack_checks{severity="error",status="failed",table="usage_events"} 0`,
		`evidencepack_checks{severity="warn",status="failed",table="review_labels"} 1`,
		`evidencepack_source_freshness_age_seconds{source="product_events"} 21600`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}
	if strings.Contains(body, `source="empty_source"`) {
		t.Errorf("/metrics reports an age for a source without facts:\n%s", body)
	}

	// A run that fails before its check step keeps the earlier gauges.
	m.ObserveRun("nightly", testManifest(), errors.New("extract: input error"), time.Second)
	if body := scrape(t, m); !strings.Contains(body, `evidencepack_checks{severity="warn",status="failed",table="review_labels"} 1`) {
		t.Errorf("check gauges were cleared by a run without checks:\n%s", body)
	}

	// The next run with checks replaces them.
	next := testManifest()
	next.Checks = []checks.Result{{Name: "incidents.unique", Table: "incidents", Severity: "error", Status: checks.StatusFailed}}
	m.ObserveRun("nightly", next, errors.New("check: data quality check failed"), time.Second)
	body = scrape(t, m)
	if strings.Contains(body, `table="review_labels"`) {
		t.Errorf("check gauges of the earlier run are left:\n%s", body)
	}
	if !strings.Contains(body, `evidencepack_checks{severity="error",status="failed",table="incidents"} 1`) {
		t.Errorf("/metrics lacks the failed incidents check:\n%s", body)
	}
}

func TestMetricsTextfileHasChecks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "evidencepack.prom")
	m := NewMetrics(false)
	m.ObserveRun("run", checkedManifest(), nil, time.Second)
	if err := m.WriteTextfile(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# TYPE evidencepack_checks gauge",
		`evidencepack_checks{severity="warn",status="failed",table="review_labels"} 1`,
		`evidencepack_source_freshness_age_seconds{source="product_events"} 21600`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("textfile has no %q:\n%s", want, data)
		}
	}
}

func TestLineageAssertionsFacet(t *testing.T) {
	cfg := testConfig(t, config.Lineage{File: "events.jsonl"})
	l := NewLineage(cfg)
	now := time.Date(2026, 7, 3, 2, 0, 0, 0, time.UTC)
	for _, eventType := range []string{EventComplete, EventFail} {
		e := l.Event(eventType, "nightly", "r1", now, cfg, checkedManifest(), nil)
		if err := l.Emit(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(cfg.Dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("lineage file has %d lines, want 2", len(lines))
	}
	for _, line := range lines {
		var e struct {
			EventType string `json:"eventType"`
			Run       struct {
				Facets struct {
					Assertions struct {
						Producer   string `json:"_producer"`
						Assertions []struct {
							Assertion string `json:"assertion"`
							Success   bool   `json:"success"`
							Column    string `json:"column"`
						} `json:"assertions"`
					} `json:"dataQualityAssertions"`
				} `json:"facets"`
			} `json:"run"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		got := e.Run.Facets.Assertions
		if got.Producer != LineageProducer {
			t.Errorf("%s: facet _producer = %q, want %q", e.EventType, got.Producer, LineageProducer)
		}
		if len(got.Assertions) != 3 {
			t.Fatalf("%s: %d assertions, want 3", e.EventType, len(got.Assertions))
		}
		first, last := got.Assertions[0], got.Assertions[2]
		if first.Assertion != "usage_events.unique" || !first.Success || first.Column != "event_id" {
			t.Errorf("%s: first assertion = %+v, want usage_events.unique passed on event_id", e.EventType, first)
		}
		if got.Assertions[1].Column != "event_id,account_id" {
			t.Errorf("%s: column of a two-column check = %q, want event_id,account_id", e.EventType, got.Assertions[1].Column)
		}
		if last.Assertion != "late labels" || last.Success {
			t.Errorf("%s: last assertion = %+v, want late labels failed", e.EventType, last)
		}
	}
}

func TestLineageNoAssertionsWithoutChecks(t *testing.T) {
	cfg := testConfig(t, config.Lineage{File: "events.jsonl"})
	l := NewLineage(cfg)
	e := l.Event(EventComplete, "nightly", "r1", time.Now(), cfg, testManifest(), nil)
	if _, ok := e.Run.Facets["dataQualityAssertions"]; ok {
		t.Errorf("facets = %v, want no dataQualityAssertions for a run without checks", e.Run.Facets)
	}
}
