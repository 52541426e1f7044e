package render

import (
	"strings"
	"testing"
)

func TestMarkdownEmptySections(t *testing.T) {
	db := openCase(t, "adoption")
	p := buildPack(t, db, "acme", "2026-Q3")
	md, err := Encode(p, "md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	for _, want := range []string{noIncidents, noReviewLabels, noCostLines} {
		if !strings.Contains(text, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	for _, zero := range []string{"Incidents opened: 0", "Review accuracy: n/a", "Total cost: $0.00"} {
		if strings.Contains(text, zero) {
			t.Errorf("markdown shows %q for an empty section", zero)
		}
	}
}

func TestMarkdownMeasuredSections(t *testing.T) {
	db := openCase(t, "incidents")
	p := buildPack(t, db, "acme", "2026-07")
	md, err := Encode(p, "md")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(md), noIncidents) {
		t.Errorf("markdown says no incidents for a period with %d", p.Trust.Incidents)
	}
	if !strings.Contains(string(md), "Incidents opened: 5") {
		t.Errorf("markdown lacks the incident count 5")
	}
}

func TestFinalAfter(t *testing.T) {
	db := openCase(t, "incidents")
	cases := map[string]string{"2026-07": "2026-08-08", "2026-Q3": "2026-10-08"}
	for period, want := range cases {
		if got := buildPack(t, db, "acme", period).FinalAfter; got != want {
			t.Errorf("final_after of %s = %s, want %s", period, got, want)
		}
	}
}

func TestIncidentLogRows(t *testing.T) {
	db := openCase(t, "incidents")
	log := buildPack(t, db, "acme", "2026-07").Trust.Log
	if len(log) != 5 {
		t.Fatalf("incident log has %d rows, want 5", len(log))
	}
	if log[3].ResolutionTime != "10h 0m" {
		t.Errorf("P4 resolution time = %s, want 10h 0m", log[3].ResolutionTime)
	}
	if log[4].ResolvedAt != "" || log[4].ResolutionTime != "open" {
		t.Errorf("open incident P5 = %+v, want no resolved_at and resolution time open", log[4])
	}
}
