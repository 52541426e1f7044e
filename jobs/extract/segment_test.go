package extract

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

func segmentSource() config.Source {
	return config.Source{
		Name: "product_events", Kind: "usage", Format: "segment",
		EventTypes: map[string]string{
			"Case Resolved":  "case_resolved",
			"Case Escalated": "case_escalated",
			"Case Opened":    "case_opened",
		},
	}
}

// collect indexes a sink's facts and rejects by record number.
func collect(s *testSink) (map[int64]transforms.Fact, map[int64]transforms.Reject) {
	facts := map[int64]transforms.Fact{}
	rejects := map[int64]transforms.Reject{}
	for _, f := range s.facts {
		facts[f.Origin().Record] = f
	}
	for _, r := range s.rejects {
		rejects[r.Record] = r
	}
	return facts, rejects
}

func TestSegmentRejects(t *testing.T) {
	sink, n := mustRead(t, segmentSource(), "testdata/segment_events.jsonl")
	if n != 17 {
		t.Fatalf("records = %d, want 17 (blank line skipped)", n)
	}
	_, rejects := collect(sink)
	cases := []struct {
		record         int64
		column, reason string
	}{
		{2, "type", "event type identify is not track"},
		{3, "timestamp", "timestamp has no time zone"},
		{11, "properties.handle_time_seconds", "negative handle time"},
		{12, "event", "event name Unknown Thing not in event_types"},
		{14, "", "invalid JSON event"},
		{16, "properties.account_id", "missing"},
		{17, "properties.autonomy_level", "autonomy level turbo is not one of"},
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

func TestSegmentFacts(t *testing.T) {
	sink, _ := mustRead(t, segmentSource(), "testdata/segment_events.jsonl")
	facts, _ := collect(sink)
	first := facts[1].(*transforms.UsageEvent)
	if first.AccountID != "00123" || first.Workflow != "claims" || first.CaseID != "c-1" || first.UserID != "u-1" {
		t.Errorf("record 1: %+v", first)
	}
	if first.EventType != "case_resolved" || first.AutonomyLevel != "draft" {
		t.Errorf("record 1: event type %q autonomy %q", first.EventType, first.AutonomyLevel)
	}
	if first.HandleTimeSeconds == nil || *first.HandleTimeSeconds != 310.5 {
		t.Errorf("record 1: handle time %v, want 310.5", first.HandleTimeSeconds)
	}

	millis := facts[4].(*transforms.UsageEvent)
	if !millis.OccurredAt.Equal(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("epoch millis read as %v", millis.OccurredAt)
	}
	if millis.HandleTimeSeconds == nil || *millis.HandleTimeSeconds != 12.5 {
		t.Errorf("handle time text \"12.5\" read as %v", millis.HandleTimeSeconds)
	}

	rudder := facts[5].(*transforms.UsageEvent)
	if rudder.UserID != "anon-5" || !rudder.OccurredAt.Equal(time.Date(2024, 3, 1, 11, 15, 18, 299000000, time.UTC)) {
		t.Errorf("RudderStack envelope: user %q at %v", rudder.UserID, rudder.OccurredAt)
	}
	if got := facts[13].(*transforms.UsageEvent).EventType; got != "case_resolved" {
		t.Errorf("event name already in the vocabulary read as %q", got)
	}
	group := facts[15].(*transforms.UsageEvent)
	if group.AccountID != "acct-g" || !group.OccurredAt.Equal(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("context.groupId event: account %q at %v", group.AccountID, group.OccurredAt)
	}
}

func TestSegmentEventIDs(t *testing.T) {
	sink, _ := mustRead(t, segmentSource(), "testdata/segment_events.jsonl")
	facts, _ := collect(sink)
	id := func(rec int64) string { return facts[rec].Key() }
	if !strings.HasPrefix(id(1), "m-1#") || len(id(1)) != len("m-1#")+12 {
		t.Errorf("event id %q, want m-1# and 12 hex digits", id(1))
	}
	if len(id(6)) != 64 {
		t.Errorf("event without messageId: id %q, want a hex SHA-256", id(6))
	}
	if id(7) == id(8) {
		t.Errorf("different events sharing messageId dup got one id %s", id(7))
	}
	if id(7) != id(9) {
		t.Errorf("redelivery with another sentAt: ids %s and %s, want equal", id(7), id(9))
	}
	if id(7) != id(10) {
		t.Errorf("repeated record: ids %s and %s, want equal", id(7), id(10))
	}
}

func TestSegmentBatch(t *testing.T) {
	sink, n := mustRead(t, segmentSource(), "testdata/segment_batch.json")
	if n != 3 || len(sink.facts) != 2 {
		t.Fatalf("records %d facts %d, want 3 and 2:\n%s", n, len(sink.facts), rejectReasons(sink))
	}
	opened := sink.facts[0].(*transforms.UsageEvent)
	if opened.AccountID != "acct-batch" {
		t.Errorf("account %q, want acct-batch from the batch context that follows the events", opened.AccountID)
	}
	if !opened.OccurredAt.Equal(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("occurred at %v, want the batch sentAt", opened.OccurredAt)
	}
	if own := sink.facts[1].(*transforms.UsageEvent); own.AccountID != "acct-own" {
		t.Errorf("account %q, want the event's own context.groupId", own.AccountID)
	}
	if r := sink.rejects[0]; r.Record != 3 || r.Reason != "event type page is not track" {
		t.Errorf("reject %+v, want record 3 page not track", r)
	}
}

func TestSegmentTimeZone(t *testing.T) {
	src := segmentSource()
	sink, _ := mustRead(t, src, "testdata/segment_array.json")
	if len(sink.rejects) != 2 {
		t.Errorf("without time_zone: %d rejects, want 2", len(sink.rejects))
	}
	src.TimeZone = "Europe/Berlin"
	sink, _ = mustRead(t, src, "testdata/segment_array.json")
	if len(sink.facts) != 2 {
		t.Fatalf("with time_zone: %d facts, want 2:\n%s", len(sink.facts), rejectReasons(sink))
	}
	winter := sink.facts[0].(*transforms.UsageEvent).OccurredAt
	summer := sink.facts[1].(*transforms.UsageEvent).OccurredAt
	if !winter.Equal(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)) || !summer.Equal(time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("Berlin wall times read as %v and %v", winter, summer)
	}
}

func TestSegmentBadTimeZone(t *testing.T) {
	src := segmentSource()
	src.TimeZone = "Mars/Olympus"
	if _, err := New(src); err == nil || !strings.Contains(err.Error(), "Mars/Olympus") {
		t.Errorf("New: error %v, want invalid time_zone", err)
	}
}

func TestRealSegmentFixtures(t *testing.T) {
	dir := realData(t, "usage/segment-analytics-go-fixtures")
	src := segmentSource()
	src.Account = "demo"
	src.EventTypes = map[string]string{"Download": "case_resolved"}
	cases := []struct {
		file           string
		records, facts int
		reason         string // of every reject
	}{
		{"test-context-track.json", 1, 1, ""},
		{"test-integrations-track.json", 1, 1, ""},
		{"test-many-track.json", 3, 3, ""},
		{"test-enqueue-identify.json", 1, 0, "event type identify is not track"},
		{"test-enqueue-group.json", 1, 0, "event type group is not track"},
		{"test-enqueue-page.json", 1, 0, "event type page is not track"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			sink, n := mustRead(t, src, filepath.Join(dir, c.file))
			if int(n) != c.records || len(sink.facts) != c.facts {
				t.Fatalf("records %d facts %d, want %d and %d:\n%s", n, len(sink.facts), c.records, c.facts, rejectReasons(sink))
			}
			for _, r := range sink.rejects {
				if r.Reason != c.reason {
					t.Errorf("reject %q, want %q", r.Reason, c.reason)
				}
			}
		})
	}
}

func TestRealSegmentSharedMessageID(t *testing.T) {
	path := realData(t, "usage/segment-analytics-go-fixtures/test-many-track.json")
	src := segmentSource()
	src.Account = "demo"
	src.EventTypes = map[string]string{"Download": "case_resolved"}
	sink, _ := mustRead(t, src, path)
	ids := map[string]bool{}
	for _, f := range sink.facts {
		ids[f.Key()] = true
	}
	if len(ids) != 3 {
		t.Errorf("three events sharing one messageId got %d distinct ids", len(ids))
	}
}

func TestRealRudderStack(t *testing.T) {
	path := realData(t, "usage/rudderstack_events_user_transformation_input.json")
	src := segmentSource()
	src.Account = "demo"
	sink, n := mustRead(t, src, path)
	if n != 3 || len(sink.facts) != 0 {
		t.Fatalf("records %d facts %d, want 3 and 0", n, len(sink.facts))
	}
	want := []string{"event type identify is not track", "event type page is not track",
		"event name test track event GA3 not in event_types"}
	for i, r := range sink.rejects {
		if r.Reason != want[i] {
			t.Errorf("record %d: reject %q, want %q", r.Record, r.Reason, want[i])
		}
	}
	src.EventTypes = map[string]string{"test track event GA3": "suggestion_accepted"}
	sink, _ = mustRead(t, src, path)
	if len(sink.facts) != 1 {
		t.Fatalf("with the event mapped: %d facts, want 1:\n%s", len(sink.facts), rejectReasons(sink))
	}
	if e := sink.facts[0].(*transforms.UsageEvent); e.EventType != "suggestion_accepted" || e.UserID == "" {
		t.Errorf("track event: %+v", e)
	}
}
