package render

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"
)

func TestFeedbackLabelsListedWithPermission(t *testing.T) {
	db := openCase(t, "reviews")
	p := buildPack(t, db, "acme", "2026-Q3")
	list := p.FeedbackIncorporatedLabels
	if list == nil {
		t.Fatal("feedback_incorporated_labels is nil for an account that permits learning")
	}
	want := []FeedbackLabel{
		{LabelID: "L6", CaseID: "r4", Workflow: "claims", Verdict: "incorrect", IncorporatedAs: "fix-9", LabeledAt: "2026-08-01T09:00:00Z"},
		{LabelID: "L5", CaseID: "r3", Workflow: "claims", Verdict: "correct", IncorporatedAs: "eval-1", LabeledAt: "2026-07-03T09:00:00Z"},
	}
	if fmt.Sprint(list.Labels) != fmt.Sprint(want) {
		t.Errorf("labels = %+v, want %+v", list.Labels, want)
	}
	if list.Total != 2 {
		t.Errorf("total = %d, want 2", list.Total)
	}
	if list.Total != *p.FeedbackIncorporated {
		t.Errorf("total = %d, feedback_incorporated = %d, want equal", list.Total, *p.FeedbackIncorporated)
	}
	if list.Listed != 2 {
		t.Errorf("listed = %d, want 2", list.Listed)
	}
}

func TestFeedbackLabelsInEveryFormat(t *testing.T) {
	db := openCase(t, "reviews")
	p := buildPack(t, db, "acme", "2026-Q3")
	wants := map[string][]string{
		"yaml": {"feedback_incorporated_labels:\n  total: 2\n  listed: 2\n  labels:\n    - label_id: L6\n      case_id: r4\n" +
			"      workflow: claims\n      verdict: incorrect\n      incorporated_as: fix-9\n      labeled_at: \"2026-08-01T09:00:00Z\"\n"},
		"json": {`"feedback_incorporated_labels": {`, `"label_id": "L5"`, `"incorporated_as": "eval-1"`},
		"md": {"| Label | Case | Workflow | Verdict | Incorporated as | Labeled at (UTC) |",
			"| L6 | r4 | claims | incorrect | fix-9 | 2026-08-01T09:00:00Z |"},
		"html": {`<table id="feedback-labels">`, "<td>fix-9</td><td>2026-08-01 09:00</td>"},
	}
	for format, texts := range wants {
		data, err := Encode(p, format)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range texts {
			if !strings.Contains(string(data), text) {
				t.Errorf("%s pack does not contain %q", format, text)
			}
		}
		if strings.Contains(string(data), "incorporated labels are listed") {
			t.Errorf("%s pack says only the latest labels are listed, but all are", format)
		}
	}
}

func TestFeedbackLabelsNotListedWithoutPermission(t *testing.T) {
	db := openCase(t, "reviews")
	if _, err := db.ExecContext(context.Background(),
		"UPDATE accounts SET learning_permitted = FALSE WHERE account_id = 'acme'"); err != nil {
		t.Fatal(err)
	}
	p := buildPack(t, db, "acme", "2026-Q3")
	if p.FeedbackIncorporatedLabels != nil {
		t.Errorf("feedback_incorporated_labels = %+v, want nil", p.FeedbackIncorporatedLabels)
	}
	for _, format := range []string{"yaml", "json", "md", "html"} {
		data, err := Encode(p, format)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, label := range []string{"fix-9", "eval-1", "feedback_incorporated_labels", "feedback-labels"} {
			if strings.Contains(text, label) {
				t.Errorf("%s pack of an account without permission contains %q", format, label)
			}
		}
	}
	page, err := Encode(p, "html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "Feedback incorporated: "+html.EscapeString(FeedbackNotCounted)) {
		t.Errorf("html pack does not contain the note %q", FeedbackNotCounted)
	}
}

func TestFeedbackLabelsBoundedToLatest(t *testing.T) {
	db := openCase(t, "reviews")
	if _, err := db.ExecContext(context.Background(), `
INSERT INTO review_labels (label_id, labeled_at, account_id, workflow, case_id, reviewer_id, verdict, incorporated_as)
SELECT 'B' || lpad(CAST(i AS VARCHAR), 2, '0'), TIMESTAMP '2026-09-01 00:00:00' + to_minutes(CAST(i AS INTEGER)),
  'acme', 'claims', 'b' || CAST(i AS VARCHAR), 'rev1', 'correct', 'eval-b' || CAST(i AS VARCHAR)
FROM range(1, 61) AS t(i)`); err != nil {
		t.Fatal(err)
	}
	p := buildPack(t, db, "acme", "2026-Q3")
	list := p.FeedbackIncorporatedLabels
	if list == nil {
		t.Fatal("feedback_incorporated_labels is nil")
	}
	if list.Total != 62 {
		t.Errorf("total = %d, want 62", list.Total)
	}
	if list.Listed != maxFeedbackLabels {
		t.Errorf("listed = %d, want %d", list.Listed, maxFeedbackLabels)
	}
	if len(list.Labels) != maxFeedbackLabels {
		t.Fatalf("labels = %d, want %d", len(list.Labels), maxFeedbackLabels)
	}
	if list.Labels[0].LabelID != "B60" {
		t.Errorf("first label = %s, want the latest, B60", list.Labels[0].LabelID)
	}
	if last := list.Labels[maxFeedbackLabels-1].LabelID; last != "B11" {
		t.Errorf("last label = %s, want B11", last)
	}
	for _, format := range []string{"md", "html"} {
		data, err := Encode(p, format)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "The latest 50 of 62 incorporated labels are listed.") {
			t.Errorf("%s pack does not say that 50 of 62 labels are listed", format)
		}
	}
}

func TestFeedbackLabelsFilteredByAccount(t *testing.T) {
	db := openCase(t, "reviews")
	if _, err := db.ExecContext(context.Background(), `
INSERT INTO accounts VALUES ('other', 'Other Co', 'USD', DATE '2027-01-31', 1000, TRUE, 'UTC');
INSERT INTO review_labels (label_id, labeled_at, account_id, workflow, case_id, reviewer_id, verdict, incorporated_as)
VALUES ('O1', TIMESTAMP '2026-07-04 00:00:00', 'other', 'claims', 'o1', 'rev1', 'correct', 'eval-other')`); err != nil {
		t.Fatal(err)
	}
	packs, err := BuildAccounts(context.Background(), db, []string{"acme", "other"}, "2026-Q3", testProvenance)
	if err != nil {
		t.Fatal(err)
	}
	acme, other := packs[0].FeedbackIncorporatedLabels, packs[1].FeedbackIncorporatedLabels
	if acme == nil || other == nil {
		t.Fatalf("labels acme = %v, other = %v, want both listed", acme, other)
	}
	if acme.Total != 2 {
		t.Errorf("acme total = %d, want 2", acme.Total)
	}
	if other.Total != 1 {
		t.Errorf("other total = %d, want 1", other.Total)
	}
	if len(other.Labels) != 1 || other.Labels[0].IncorporatedAs != "eval-other" {
		t.Errorf("other labels = %+v, want only eval-other", other.Labels)
	}
}
