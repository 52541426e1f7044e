package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

// writeInput writes content to a file named name in a temporary directory
// and returns its path.
func writeInput(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// collectFacts passes the facts through a transforms.Collector whose window
// covers every date, as a run does, and returns what de-duplication keeps.
func collectFacts(sink *testSink) ([]transforms.Fact, transforms.Counts) {
	c := transforms.NewCollector(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	source := ""
	for _, f := range sink.facts {
		c.Add(f)
		source = f.Origin().Source
	}
	var kept []transforms.Fact
	for _, p := range c.Partitions() {
		kept = append(kept, p.Facts...)
	}
	return kept, c.Counts()[source]
}

// labelStudioAnnotation returns one annotation of a Label Studio export
// with a verdict choice. id is written as it is, so a bare number stays
// a JSON number.
func labelStudioAnnotation(id, updatedAt, verdict string) string {
	return fmt.Sprintf(`{"id": %s, "created_at": "2024-04-02T09:00:00Z", "updated_at": %q,
		"result": [{"type": "choices", "from_name": "verdict", "value": {"choices": [%q]}}]}`,
		id, updatedAt, verdict)
}

func TestLabelStudioTaskListedTwice(t *testing.T) {
	task := `{"id": 7, "data": {"account_id": "acct-1", "case_id": "c-7"}, "annotations": [%s, %s]}`
	// Annotation 1001 is updated later in the second listing, annotation
	// 1002 in the first, so the file order alone cannot pick the winner.
	first := fmt.Sprintf(task,
		labelStudioAnnotation("1001", "2024-04-02T09:00:00Z", "Correct"),
		labelStudioAnnotation("1002", "2024-04-02T11:00:00Z", "Incorrect"))
	second := fmt.Sprintf(task,
		labelStudioAnnotation("1001", "2024-04-02T10:00:00Z", "Incorrect"),
		labelStudioAnnotation("1002", "2024-04-02T09:30:00Z", "Correct"))
	path := writeInput(t, "export.json", "["+first+",\n"+second+"]")

	sink, n := mustRead(t, labelStudioSource(), path)
	if n != 4 || len(sink.facts) != 4 {
		t.Fatalf("records %d, facts %d, want 4 and 4:\n%s", n, len(sink.facts), rejectReasons(sink))
	}
	ids := map[string]bool{}
	for _, f := range sink.facts {
		ids[f.Key()] = true
	}
	if len(ids) != 2 {
		t.Errorf("distinct label ids %v, want 2", ids)
	}

	kept, counts := collectFacts(sink)
	if len(kept) != 2 {
		t.Fatalf("labels kept %d, want 2", len(kept))
	}
	if counts.Duplicates != 2 {
		t.Errorf("duplicates removed %d, want 2", counts.Duplicates)
	}
	want := map[string]string{"1001": "incorrect", "1002": "incorrect"}
	for _, f := range kept {
		l := f.(*transforms.ReviewLabel)
		if l.Verdict != want[l.LabelID] {
			t.Errorf("label %s kept verdict %q, want the latest %q", l.LabelID, l.Verdict, want[l.LabelID])
		}
	}
}

// bigIDInput is a file that contains two records whose ids are the bare JSON
// numbers 2^53+1 and 2^53, which a float64 decode would make equal.
type bigIDInput struct {
	name    string
	src     config.Source
	file    string
	content string
	wantIDs []string // expected id prefixes, in sorted order
}

func bigIDInputs() []bigIDInput {
	segmentEvent := `{"type": "track", "event": "Case Resolved", "messageId": %s,
		"timestamp": "2024-03-01T10:00:00Z", "properties": {"account_id": "acct-1", "case_id": "c-1"}}`
	incident := `{"id": %s, "created_at": "2024-05-01T10:00:00Z", "urgency": "high",
		"service": {"id": "PSVC1", "summary": "Claims API"}}`
	return []bigIDInput{
		{
			name: "labelstudio", src: labelStudioSource(), file: "export.json",
			content: `[{"id": 1, "data": {"account_id": "acct-1"}, "annotations": [` +
				labelStudioAnnotation("9007199254740993", "2024-04-02T09:00:00Z", "Correct") + ", " +
				labelStudioAnnotation("9007199254740992", "2024-04-02T09:00:00Z", "Correct") + "]}]",
			wantIDs: []string{"9007199254740992", "9007199254740993"},
		},
		{
			name: "segment", src: segmentSource(), file: "events.jsonl",
			content: fmt.Sprintf(strings.ReplaceAll(segmentEvent, "\n", "")+"\n", "9007199254740993") +
				fmt.Sprintf(strings.ReplaceAll(segmentEvent, "\n", "")+"\n", "9007199254740992"),
			wantIDs: []string{"9007199254740992#", "9007199254740993#"},
		},
		{
			name: "pagerduty", src: pagerDutySource(), file: "incidents.json",
			content: `{"incidents": [` + fmt.Sprintf(incident, "9007199254740993") + ", " +
				fmt.Sprintf(incident, "9007199254740992") + "]}",
			wantIDs: []string{"9007199254740992", "9007199254740993"},
		},
	}
}

func TestIDsPast2To53StayDistinct(t *testing.T) {
	for _, c := range bigIDInputs() {
		t.Run(c.name, func(t *testing.T) {
			sink, _ := mustRead(t, c.src, writeInput(t, c.file, c.content))
			if len(sink.facts) != 2 {
				t.Fatalf("facts %d, want 2:\n%s", len(sink.facts), rejectReasons(sink))
			}
			kept, counts := collectFacts(sink)
			if len(kept) != 2 || counts.Duplicates != 0 {
				t.Fatalf("kept %d with %d duplicates removed, want 2 and 0", len(kept), counts.Duplicates)
			}
			var keys []string
			for _, f := range kept {
				keys = append(keys, f.Key())
			}
			sort.Strings(keys)
			for i, prefix := range c.wantIDs {
				if !strings.HasPrefix(keys[i], prefix) {
					t.Errorf("key %d = %q, want prefix %q", i, keys[i], prefix)
				}
			}
		})
	}
}

func TestFOCUSCommitmentPurchaseFlag(t *testing.T) {
	var b strings.Builder
	b.WriteString("BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,CommitmentDiscountId,SubAccountId\n")
	b.WriteString("720,720,USD,Purchase,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,cd-1,004417230981\n")
	start := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)

	for day := range 30 {
		from := start.AddDate(0, 0, day)
		fmt.Fprintf(&b, "0,24,USD,Usage,%s,%s,cd-1,004417230981\n",
			from.Format(time.RFC3339), from.AddDate(0, 0, 1).Format(time.RFC3339))
	}

	sink, n := mustRead(t, focusSource(), writeInput(t, "commitment.csv", b.String()))
	if n != 31 || len(sink.facts) != 31 {
		t.Fatalf("records %d, facts %d, want 31 and 31:\n%s", n, len(sink.facts), rejectReasons(sink))
	}

	facts, _ := collect(sink)
	purchase := facts[1].(*transforms.CostLine)
	if !purchase.CommitmentPurchase {
		t.Errorf("purchase row: CommitmentPurchase false, want true")
	}
	if billed, effective := money(t, *purchase); billed != "720" || effective != "720" {
		t.Errorf("purchase row: billed %s effective %s, want 720 and 720", billed, effective)
	}

	for record := int64(2); record <= 31; record++ {
		usage := facts[record].(*transforms.CostLine)
		if usage.CommitmentPurchase {
			t.Errorf("usage row %d: CommitmentPurchase true, want false", record)
		}
		if billed, effective := money(t, *usage); billed != "0" || effective != "24" {
			t.Errorf("usage row %d: billed %s effective %s, want 0 and 24", record, billed, effective)
		}
	}
}

func TestTimestampRange(t *testing.T) {
	src := config.Source{Name: "events", Kind: KindUsage, Format: FormatJSONL, Account: "acct-1"}
	cases := []struct {
		occurredAt string // JSON value of occurred_at
		accept     bool
	}{
		{`"2024-03-01T10:00:00.1234567Z"`, true},
		{`"1970-01-01T00:00:00Z"`, true},
		{`"2199-12-31T23:59:59.999999Z"`, true},
		{`"2200-01-01T00:00:00Z"`, false},
		{`"9999-12-31T23:59:59.999999Z"`, false},
		{`"0000-01-01T00:00:00Z"`, false},
		{`"0001-01-01T00:00:00.000001Z"`, false},
		{`"1969-12-31T23:59:59.999999Z"`, false},
		{`"0001-01-01T00:00:00Z"`, false},
		{`0`, true},                      // seconds, the Unix epoch
		{`7258118399`, true},             // seconds, the last second of 2199
		{`9223372036854775807`, false},   // nanoseconds, year 2262
		{`-62135596799`, false},          // seconds, one second after year 1 starts
		{`-62135596800`, false},          // seconds, the zero time
		{`99999999999999999999`, false},  // past int64, read as seconds
		{`-99999999999999999999`, false}, // before year 1
	}
	for _, c := range cases {
		line := `{"event_id": "e", "event_type": "case_opened", "occurred_at": ` + c.occurredAt + "}\n"
		sink, _ := mustRead(t, src, writeInput(t, "events.jsonl", line))
		if accepted := len(sink.facts) == 1; accepted != c.accept {
			t.Errorf("occurred_at %s: accepted %v, want %v (%s)", c.occurredAt, accepted, c.accept, rejectReasons(sink))
		}
	}
}
