package extract

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

func pagerDutySource() config.Source {
	return config.Source{
		Name: "pagerduty", Kind: "incidents", Format: "pagerduty",
		Fields:          map[string]string{"workflow": "incident_type.name"},
		ServiceAccounts: map[string]string{"PSVC1": "acct-claims", "0042": "acct-billing"},
		Severities:      map[string]string{"P1": "sev1", "P2": "sev2", "high": "sev2", "low": "sev4"},
	}
}

func at(hour, minute int) time.Time {
	return time.Date(2024, 5, 1, hour, minute, 0, 0, time.UTC)
}

func TestPagerDutyList(t *testing.T) {
	sink, n := mustRead(t, pagerDutySource(), "testdata/pagerduty_list.json")
	if n != 7 {
		t.Fatalf("records = %d, want 7", n)
	}
	facts, _ := collect(sink)
	first := facts[1].(*transforms.Incident)
	want := transforms.Incident{
		From: first.From, IncidentID: "P1", AccountID: "acct-claims", Severity: "sev1",
		OpenedAt: at(10, 0), AcknowledgedAt: at(10, 5), UpdatedAt: at(12, 0),
		Status: "triggered", Title: "Title P1", Service: "Claims API", Workflow: "claims_triage",
	}
	if *first != want {
		t.Errorf("record 1:\n got %+v\nwant %+v", *first, want)
	}
	second := facts[2].(*transforms.Incident)
	if second.Severity != "sev4" || !second.ResolvedAt.Equal(at(11, 30)) {
		t.Errorf("record 2: severity %q resolved %v, want urgency low as sev4 and last_status_change_at", second.Severity, second.ResolvedAt)
	}
	third := facts[3].(*transforms.Incident)
	if third.AccountID != "acct-billing" || !third.ResolvedAt.Equal(at(11, 0)) {
		t.Errorf("record 3: account %q resolved %v", third.AccountID, third.ResolvedAt)
	}
}

func TestPagerDutyRejects(t *testing.T) {
	sink, _ := mustRead(t, pagerDutySource(), "testdata/pagerduty_list.json")
	_, rejects := collect(sink)
	cases := []struct {
		record         int64
		column, reason string
	}{
		{4, "service.summary", "service Unmapped Service not mapped to an account"},
		{5, "priority.summary", "severity P5 not in severities"},
		{6, "created_at", "timestamp has no time zone"},
		{7, "acknowledgements.at", "not a recognised timestamp"},
	}
	for _, c := range cases {
		r, ok := rejects[c.record]
		if !ok {
			t.Errorf("record %d: not rejected", c.record)
			continue
		}
		if r.Column != c.column || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("record %d: reject %q on %q, want %q on %q", c.record, r.Reason, r.Column, c.reason, c.column)
		}
	}
	if len(sink.rejects) != len(cases) {
		t.Errorf("%d rejects, want %d:\n%s", len(sink.rejects), len(cases), rejectReasons(sink))
	}
}

func TestPagerDutyFallbacks(t *testing.T) {
	src := pagerDutySource()
	src.Account = "acct-default"
	src.TimeZone = "UTC"
	sink, _ := mustRead(t, src, "testdata/pagerduty_list.json")
	facts, _ := collect(sink)
	if in, ok := facts[4].(*transforms.Incident); !ok || in.AccountID != "acct-default" {
		t.Errorf("record 4: %+v, want the source account", facts[4])
	}
	if in, ok := facts[6].(*transforms.Incident); !ok || in.Title != "[#6] Summary only" {
		t.Errorf("record 6: %+v, want the summary as title", facts[6])
	}
}

func TestPagerDutySingleAndAirbyte(t *testing.T) {
	sink, n := mustRead(t, pagerDutySource(), "testdata/pagerduty_single.json")
	if n != 1 || len(sink.facts) != 1 || sink.facts[0].(*transforms.Incident).Severity != "sev2" {
		t.Errorf("single incident: records %d facts %+v", n, sink.facts)
	}
	sink, n = mustRead(t, pagerDutySource(), "testdata/pagerduty_airbyte.jsonl")
	if n != 4 || len(sink.facts) != 3 {
		t.Fatalf("Airbyte lines: records %d facts %d, want 4 and 3:\n%s", n, len(sink.facts), rejectReasons(sink))
	}
	if r := sink.rejects[0]; r.Record != 2 || r.Column != "stream" || !strings.Contains(r.Reason, "incident_logs") {
		t.Errorf("reject %+v, want record 2 naming stream incident_logs", r)
	}
}

func TestRealPagerDuty(t *testing.T) {
	dir := realData(t, "incidents")
	src := pagerDutySource()
	src.Fields = nil
	src.Account = "demo"
	cases := []struct {
		file                    string
		records, facts, rejects int
	}{
		{"pagerduty_rest-v2_list-incidents_example.json", 1, 1, 0},
		{"pagerduty_rest-v2_get-incident_example.json", 1, 1, 0},
		{"airbyte_source-pagerduty_expected_records.jsonl", 2, 1, 1},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			sink, n := mustRead(t, src, filepath.Join(dir, c.file))
			if int(n) != c.records || len(sink.facts) != c.facts || len(sink.rejects) != c.rejects {
				t.Errorf("records %d facts %d rejects %d, want %d %d %d:\n%s", n, len(sink.facts), len(sink.rejects), c.records, c.facts, c.rejects, rejectReasons(sink))
			}
		})
	}
}

func TestRealPagerDutyIncident(t *testing.T) {
	path := realData(t, "incidents/pagerduty_rest-v2_get-incident_example.json")
	src := pagerDutySource()
	src.ServiceAccounts = map[string]string{"My Mail Service": "acct-mail"}
	sink, _ := mustRead(t, src, path)
	in := sink.facts[0].(*transforms.Incident)
	if in.AccountID != "acct-mail" || in.Severity != "sev2" || in.Workflow != "incident_default" {
		t.Errorf("account %q severity %q workflow %q", in.AccountID, in.Severity, in.Workflow)
	}
	if !in.AcknowledgedAt.Equal(time.Date(2015, 11, 10, 0, 32, 52, 0, time.UTC)) || !in.ResolvedAt.IsZero() {
		t.Errorf("acknowledged %v resolved %v", in.AcknowledgedAt, in.ResolvedAt)
	}
}
