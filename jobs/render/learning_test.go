package render

import (
	"context"
	"strings"
	"testing"
)

func TestFeedbackNotCountedWithoutPermission(t *testing.T) {
	db := openCase(t, "reviews")
	if _, err := db.ExecContext(context.Background(),
		"UPDATE accounts SET learning_permitted = FALSE WHERE account_id = 'acme'"); err != nil {
		t.Fatal(err)
	}
	p := buildPack(t, db, "acme", "2026-Q3")
	if p.FeedbackIncorporated != nil {
		t.Errorf("feedback_incorporated = %d, want no count", *p.FeedbackIncorporated)
	}
	if p.FeedbackIncorporatedNote != FeedbackNotCounted {
		t.Errorf("note = %q, want %q", p.FeedbackIncorporatedNote, FeedbackNotCounted)
	}
	wants := map[string][]string{
		"yaml": {"feedback_incorporated: null\n", "feedback_incorporated_note: '" + strings.ReplaceAll(FeedbackNotCounted, "'", "''") + "'"},
		"json": {`"feedback_incorporated": null`, `"feedback_incorporated_note": "` + FeedbackNotCounted + `"`},
		"md":   {"Feedback incorporated: " + FeedbackNotCounted},
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
	}
}

func TestFeedbackCountedWithPermission(t *testing.T) {
	db := openCase(t, "reviews")
	p := buildPack(t, db, "acme", "2026-Q3")
	if p.FeedbackIncorporated == nil {
		t.Fatal("feedback_incorporated is null for an account that permits learning")
	}
	if *p.FeedbackIncorporated != 2 {
		t.Errorf("feedback_incorporated = %d, want 2", *p.FeedbackIncorporated)
	}
	if p.FeedbackIncorporatedNote != "" {
		t.Errorf("note = %q, want none", p.FeedbackIncorporatedNote)
	}
}

func TestFeedbackNotCountedWithoutFacts(t *testing.T) {
	db := openCase(t, "reviews")
	if _, err := db.ExecContext(context.Background(),
		"INSERT INTO accounts (account_id, name, currency) VALUES ('quiet', 'Quiet Co', 'USD')"); err != nil {
		t.Fatal(err)
	}
	p := buildPack(t, db, "quiet", "2026-Q3")
	if p.FeedbackIncorporated != nil {
		t.Errorf("feedback_incorporated = %d for an account without permission, want no count", *p.FeedbackIncorporated)
	}
}
