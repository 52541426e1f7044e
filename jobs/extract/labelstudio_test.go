package extract

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

func labelStudioSource() config.Source {
	return config.Source{
		Name: "review_queue", Kind: "labels", Format: "labelstudio",
		Verdicts: map[string]string{
			"Correct": "correct", "Partially correct": "partially_correct", "Incorrect": "incorrect",
			"left": "correct", "right": "incorrect", "4": "correct",
		},
	}
}

func TestLabelStudioRejects(t *testing.T) {
	sink, n := mustRead(t, labelStudioSource(), "testdata/labelstudio_export.json")
	if n != 11 {
		t.Fatalf("records = %d, want 11 (one per annotation, one for the empty task)", n)
	}
	_, rejects := collect(sink)
	cases := []struct {
		record         int64
		column, reason string
	}{
		{3, "", "task has no annotations"},
		{4, "was_cancelled", "annotation was cancelled"},
		{7, "result.verdict", "verdict Maybe not in verdicts"},
		{8, "annotation.created_at", "timestamp has no time zone"},
		{10, "data.account_id", "missing"},
		{11, "result.verdict", "missing"},
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

func TestLabelStudioFacts(t *testing.T) {
	sink, _ := mustRead(t, labelStudioSource(), "testdata/labelstudio_export.json")
	facts, _ := collect(sink)
	first := facts[1].(*transforms.ReviewLabel)
	want := transforms.ReviewLabel{
		From:      first.From,
		LabelID:   "9007199254740993",
		LabeledAt: time.Date(2024, 4, 2, 9, 0, 0, 123456000, time.UTC),
		UpdatedAt: time.Date(2024, 4, 2, 9, 0, 0, 123456000, time.UTC),
		AccountID: "acct-1", Workflow: "claims", CaseID: "c-1", ReviewerID: "14",
		Verdict: "incorrect", FailureCategory: "hallucination",
		FeedbackText: "Cites a policy\nthat does not exist", IncorporatedAs: "eval-9",
	}
	if *first != want {
		t.Errorf("record 1:\n got %+v\nwant %+v", *first, want)
	}
	second := facts[2].(*transforms.ReviewLabel)
	if second.LabelID != "9007199254740992" || second.Verdict != "correct" || second.ReviewerID != "7" || second.CaseID != "102" {
		t.Errorf("record 2 (pairwise, integer completed_by, case from task id): %+v", second)
	}
	if rating := facts[6].(*transforms.ReviewLabel); rating.Verdict != "correct" {
		t.Errorf("rating 4 read as verdict %q", rating.Verdict)
	}
}

func TestLabelStudioDuplicateTask(t *testing.T) {
	sink, _ := mustRead(t, labelStudioSource(), "testdata/labelstudio_export.json")
	facts, _ := collect(sink)
	a, b := facts[5].(*transforms.ReviewLabel), facts[9].(*transforms.ReviewLabel)
	if a.Key() != "6" || b.Key() != "6" {
		t.Fatalf("task listed twice: label ids %q and %q, want 6 and 6", a.Key(), b.Key())
	}
	if !b.Version().After(a.Version()) {
		t.Errorf("later update %v does not order after %v", b.Version(), a.Version())
	}
	if a.Verdict != "correct" || b.Verdict != "partially_correct" {
		t.Errorf("verdicts %q and %q", a.Verdict, b.Verdict)
	}
}

func TestLabelStudioFromNames(t *testing.T) {
	src := labelStudioSource()
	src.Fields = map[string]string{"verdict_from": "comparison", "feedback_from": "notes"}
	sink, _ := mustRead(t, src, "testdata/labelstudio_export.json")
	facts, rejects := collect(sink)
	if r, ok := rejects[1]; !ok || r.Column != "result.comparison" {
		t.Errorf("record 1 without a comparison result: %+v, want reject on result.comparison", rejects[1])
	}
	if l, ok := facts[2].(*transforms.ReviewLabel); !ok || l.Verdict != "correct" {
		t.Errorf("record 2: %+v, want verdict from comparison", facts[2])
	}
}

func TestRealLabelStudio(t *testing.T) {
	dir := realData(t, "labels")
	src := labelStudioSource()
	src.Account = "demo"
	cases := []struct {
		file           string
		records, facts int
		rejectColumn   string
	}{
		{"label-studio_rlhf-pairwise-llm-answers_export.json", 32, 32, ""},
		{"label-studio_sentiment-choices_with-history_export.json", 1, 0, "result.sentiment"},
		{"label-studio_bbox_with-reviews-and-predictions_export.json", 2, 0, "result.label"},
		{"label-studio_chat-transcript-annotation_export.json", 1, 0, "result.verdict"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			sink, n := mustRead(t, src, filepath.Join(dir, c.file))
			if int(n) != c.records || len(sink.facts) != c.facts {
				t.Fatalf("records %d facts %d, want %d and %d:\n%s", n, len(sink.facts), c.records, c.facts, rejectReasons(sink))
			}
			for _, r := range sink.rejects {
				if r.Column != c.rejectColumn || r.Reason == "" {
					t.Errorf("reject %q on %q, want one on %q", r.Reason, r.Column, c.rejectColumn)
				}
			}
		})
	}
}
