package extract

import (
	"strings"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

func TestGenericCSVUsage(t *testing.T) {
	src := config.Source{
		Name: "events_csv", Kind: "usage", Format: "csv",
		CSV: config.CSVOptions{Delimiter: ";", NullValues: []string{`\N`}},
		Fields: map[string]string{"event_id": "id", "occurred_at": "ts", "account_id": "acct",
			"event_type": "kind", "handle_time_seconds": "secs", "case_id": "case"},
		EventTypes: map[string]string{"Case Resolved": "case_resolved"},
	}
	sink, n := mustRead(t, src, "testdata/generic_usage.csv")
	if n != 4 || len(sink.facts) != 3 {
		t.Fatalf("records %d facts %d, want 4 and 3:\n%s", n, len(sink.facts), rejectReasons(sink))
	}
	first := sink.facts[0].(*transforms.UsageEvent)
	if !first.OccurredAt.Equal(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("epoch millis read as %v", first.OccurredAt)
	}
	if first.AccountID != "00123" || first.HandleTimeSeconds != nil {
		t.Errorf("account %q handle time %v, want 00123 and NULL", first.AccountID, first.HandleTimeSeconds)
	}
	if r := sink.rejects[0]; r.Record != 2 || r.Column != "secs" || r.Raw != "abc" {
		t.Errorf("reject %+v, want record 2 column secs value abc", r)
	}
	if a, b := sink.facts[1].Key(), sink.facts[2].Key(); a != "9007199254740993" || b != "9007199254740992" {
		t.Errorf("ids past 2^53 read as %s and %s", a, b)
	}
}

func TestGenericCSVCosts(t *testing.T) {
	src := config.Source{
		Name: "costs_csv", Kind: "costs", Format: "csv", TimeZone: "UTC",
		Fields: map[string]string{"line_id": "line", "charge_period_start": "start",
			"charge_period_end": "end", "billed_cost": "cost", "currency": "cur",
			"charge_category": "cat", "account_id": "acct"},
	}
	sink, n := mustRead(t, src, "testdata/generic_costs.csv")
	if n != 3 || len(sink.facts) != 2 {
		t.Fatalf("records %d facts %d, want 3 and 2:\n%s", n, len(sink.facts), rejectReasons(sink))
	}
	credit := sink.facts[1].(*transforms.CostLine)
	if credit.LineID != "L-002" || credit.AccountID != transforms.Unattributed {
		t.Errorf("line %q account %q, want L-002 unattributed", credit.LineID, credit.AccountID)
	}
	if billed, _ := money(t, *credit); billed != "-3" {
		t.Errorf("credit billed %s, want -3", billed)
	}
	r := sink.rejects[0]
	if r.File != "testdata/generic_costs.csv" || r.Record != 3 || r.Column != "cost" || r.Raw != "twelve" {
		t.Errorf("reject %+v, want file, record 3, column cost, value twelve", r)
	}
	if !strings.Contains(r.Error(), "testdata/generic_costs.csv: record 3: field cost") {
		t.Errorf("reject message %q does not name file, record and column", r.Error())
	}
}

func TestGenericCSVMisspeltField(t *testing.T) {
	src := config.Source{Name: "c", Kind: "costs", Format: "csv", Fields: map[string]string{"billed_cost": "Cost"}}
	_, _, err := readFile(t, src, "testdata/generic_costs.csv")
	if err == nil || !strings.Contains(err.Error(), `header has no column "Cost"`) {
		t.Errorf("error %v, want one naming the absent column", err)
	}
}

func TestGenericJSONLLabels(t *testing.T) {
	src := config.Source{
		Name: "labels_jsonl", Kind: "labels", Format: "jsonl",
		Fields: map[string]string{"label_id": "review.id", "labeled_at": "review.at",
			"account_id": "tenant", "verdict": "outcome", "feedback_text": "note"},
		Verdicts: map[string]string{"ok": "correct", "bad": "incorrect"},
	}
	sink, n := mustRead(t, src, "testdata/generic_labels.jsonl")
	if n != 4 || len(sink.facts) != 2 {
		t.Fatalf("records %d facts %d, want 4 and 2:\n%s", n, len(sink.facts), rejectReasons(sink))
	}
	if a, b := sink.facts[0].Key(), sink.facts[1].Key(); a != "9007199254740993" || b != "9007199254740992" {
		t.Errorf("ids past 2^53 read as %s and %s", a, b)
	}
	if got := sink.facts[1].(*transforms.ReviewLabel).FeedbackText; got != "Wrong policy" {
		t.Errorf("feedback %q", got)
	}
	if r := sink.rejects[0]; r.Column != "outcome" || r.Reason != "verdict unsure not in verdicts" {
		t.Errorf("reject %+v", r)
	}
	if r := sink.rejects[1]; r.Record != 4 || !strings.HasPrefix(r.Reason, "invalid JSON record") {
		t.Errorf("reject %+v, want record 4 invalid JSON", r)
	}
}

func TestGenericJSONLIncidents(t *testing.T) {
	src := config.Source{
		Name: "incidents_jsonl", Kind: "incidents", Format: "jsonl",
		Fields: map[string]string{"incident_id": "number", "opened_at": "opened",
			"severity": "sev", "account_id": "acct", "resolved_at": "resolved"},
		Severities: map[string]string{"critical": "sev1"},
	}
	sink, n := mustRead(t, src, "testdata/generic_incidents.jsonl")
	if n != 2 || len(sink.facts) != 2 {
		t.Fatalf("records %d facts %d:\n%s", n, len(sink.facts), rejectReasons(sink))
	}
	first := sink.facts[0].(*transforms.Incident)
	if first.IncidentID != "007" || first.Severity != "sev1" {
		t.Errorf("incident %q severity %q, want 007 sev1", first.IncidentID, first.Severity)
	}
	if second := sink.facts[1].(*transforms.Incident); second.Severity != "sev3" || !second.ResolvedAt.IsZero() {
		t.Errorf("incident %+v, want sev3 as is and NULL resolved_at", second)
	}
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		src  config.Source
		want string
	}{
		{config.Source{Name: "x", Kind: "usage", Format: "xml"}, `unknown format "xml"`},
		{config.Source{Name: "x", Kind: "costs", Format: "segment"}, "format segment reads kind usage"},
		{config.Source{Name: "x", Kind: "usage", Format: "focus"}, "format focus reads kind costs"},
		{config.Source{Name: "x", Kind: "money", Format: "csv"}, `unknown kind "money"`},
		{config.Source{Name: "x", Kind: "usage", Format: "csv", CSV: config.CSVOptions{Delimiter: ";;"}}, "invalid csv delimiter"},
	}
	for _, c := range cases {
		r, err := New(c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) || r != nil {
			t.Errorf("New(%s/%s): %v, %v; want error %q", c.src.Format, c.src.Kind, r, err, c.want)
		}
	}
}

// A row shorter than the header loads when only unmapped trailing columns
// are missing, and is rejected, naming the first missing column, when a
// mapped one is.
func TestGenericCSVShortRows(t *testing.T) {
	src := config.Source{
		Name: "events_csv", Kind: "usage", Format: "csv",
		Fields: map[string]string{"event_id": "id", "occurred_at": "ts", "account_id": "acct",
			"event_type": "kind", "handle_time_seconds": "secs", "case_id": "case"},
	}
	sink, n := mustRead(t, src, "testdata/generic_usage_short.csv")
	if n != 4 || len(sink.facts) != 2 || len(sink.rejects) != 2 {
		t.Fatalf("records %d facts %d rejects %d, want 4, 2 and 2:\n%s", n, len(sink.facts), len(sink.rejects), rejectReasons(sink))
	}
	for i, want := range []struct {
		record int64
		reason string
	}{
		{3, `row has 5 fields, the header has 7: column "case" is missing`},
		{4, `row has 4 fields, the header has 7: column "secs" is missing`},
	} {
		r := sink.rejects[i]
		if r.Record != want.record || r.Reason != want.reason {
			t.Errorf("reject %d: record %d reason %q, want record %d reason %q", i, r.Record, r.Reason, want.record, want.reason)
		}
	}
}
