package render

import (
	"context"
	"strings"
	"testing"
)

func TestExpansionThresholdsFromSettings(t *testing.T) {
	db := openCase(t, "expansion")
	if _, err := db.ExecContext(context.Background(),
		"UPDATE pack_settings SET min_reviewed_cases = 7, min_review_accuracy = 0.95, max_sev1_incidents = 1, "+
			"max_incidents = 3, min_usage_growth = 0.25"); err != nil {
		t.Fatal(err)
	}
	p := buildPack(t, db, "acme", "2026-Q3")
	want := ExpansionThresholds{MinReviewedCases: 7, MinReviewAccuracy: "95.0%", MaxSev1Incidents: 1,
		MaxIncidents: 3, MinUsageGrowth: "25.0%"}
	if p.ExpansionThresholds != want {
		t.Errorf("expansion_thresholds = %+v, want %+v", p.ExpansionThresholds, want)
	}
}

func TestExpansionThresholdsInEveryFormat(t *testing.T) {
	db := openCase(t, "expansion")
	p := buildPack(t, db, "acme", "2026-Q3")
	sentence := "Autonomy candidates need at least 2 reviewed cases, a review accuracy of at least 90.0%, " +
		"at most 0 sev1 incidents and at most 1 incidents in all. " +
		"Volume candidates need resolved cases to grow by at least 50.0%"
	wants := map[string][]string{
		"yaml": {"expansion_thresholds:\n  min_reviewed_cases: 2\n  min_review_accuracy: 90.0%\n" +
			"  max_sev1_incidents: 0\n  max_incidents: 1\n  min_usage_growth: 50.0%\n"},
		"json": {`"expansion_thresholds": {
    "min_reviewed_cases": 2,
    "min_review_accuracy": "90.0%",
    "max_sev1_incidents": 0,
    "max_incidents": 1,
    "min_usage_growth": "50.0%"
  }`},
		"md":   {"Thresholds: " + sentence},
		"html": {`<p id="expansion-thresholds">Thresholds: ` + sentence},
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

func TestExpansionThresholdsAfterCandidates(t *testing.T) {
	db := openCase(t, "expansion")
	p := buildPack(t, db, "acme", "2026-Q3")
	for _, format := range []string{"md", "html"} {
		data, err := Encode(p, format)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		candidates := strings.Index(text, "Expansion candidates")
		thresholds := strings.Index(text, "Thresholds: ")
		if candidates < 0 || thresholds < candidates {
			t.Errorf("%s: thresholds at %d, not after the expansion candidates heading at %d", format, thresholds, candidates)
		}
	}
}
