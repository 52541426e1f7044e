package transforms

import (
	"testing"
	"time"
)

func day(d int) time.Time { return time.Date(2026, 7, d, 0, 0, 0, 0, time.UTC) }

func label(id, verdict string, labeled, updated time.Time, rec int64) *ReviewLabel {
	return &ReviewLabel{
		From:    Origin{Source: "review", File: "export.json", Record: rec},
		LabelID: id, LabeledAt: labeled, UpdatedAt: updated,
		AccountID: "acme", Verdict: verdict,
	}
}

func TestCollectorKeepsLatestVersion(t *testing.T) {
	c := NewCollector(day(1), day(31))
	at := day(3).Add(9 * time.Hour)
	c.Add(label("18047", "incorrect", at, at.Add(time.Hour), 1))
	c.Add(label("18048", "correct", at, at, 2))
	c.Add(label("18047", "correct", at, at.Add(2*time.Hour), 3))
	c.Add(label("18048", "partially_correct", at, at.Add(time.Minute), 4))

	parts := c.Partitions()
	if len(parts) != 1 || len(parts[0].Facts) != 2 {
		t.Fatalf("partitions = %+v, want one partition with two labels", parts)
	}
	want := map[string]string{"18047": "correct", "18048": "partially_correct"}
	for _, f := range parts[0].Facts {
		l := f.(*ReviewLabel)
		if l.Verdict != want[l.LabelID] {
			t.Errorf("label %s verdict = %s, want %s", l.LabelID, l.Verdict, want[l.LabelID])
		}
	}
	n := c.Counts()["review"]
	if n.Records != 4 || n.Facts != 2 || n.Duplicates != 2 {
		t.Errorf("counts = %+v, want 4 read, 2 facts, 2 duplicates", n)
	}
}

func TestCollectorEqualVersionsKeepLast(t *testing.T) {
	c := NewCollector(day(1), day(31))
	at := day(5)
	c.Add(label("1", "incorrect", at, at, 1))
	c.Add(label("1", "correct", at, at, 2))
	parts := c.Partitions()
	if got := parts[0].Facts[0].(*ReviewLabel).Verdict; got != "correct" {
		t.Errorf("verdict = %s, want the one read last (correct)", got)
	}
}

func TestCollectorWindowAndAccounting(t *testing.T) {
	c := NewCollector(day(2), day(3))
	c.Add(label("a", "correct", day(1), time.Time{}, 1))
	c.Add(label("b", "correct", day(2).Add(time.Hour), time.Time{}, 2))
	c.Add(label("c", "correct", day(3).Add(time.Hour), time.Time{}, 3))
	c.Add(label("c", "correct", day(3).Add(time.Hour), time.Time{}, 4))
	c.Add(label("d", "correct", day(4), time.Time{}, 5))
	c.AddReject(Reject{Origin: Origin{Source: "review", Record: 6}, Reason: "bad"})

	parts := c.Partitions()
	if len(parts) != 2 || !parts[0].Date.Equal(day(2)) || !parts[1].Date.Equal(day(3)) {
		t.Fatalf("partitions = %+v, want July 2 and July 3", parts)
	}
	n := c.Counts()["review"]
	if n.Records != n.Facts+n.Rejected+n.Duplicates+n.OutOfWindow {
		t.Errorf("counts %+v do not add up", n)
	}
	want := Counts{Records: 6, Facts: 2, Rejected: 1, Duplicates: 1, OutOfWindow: 2}
	if n != want {
		t.Errorf("counts = %+v, want %+v", n, want)
	}
}

func TestCollectorDistinctLargeIDs(t *testing.T) {
	c := NewCollector(day(1), day(31))
	c.Add(label("9007199254740993", "correct", day(2), time.Time{}, 1))
	c.Add(label("9007199254740992", "correct", day(2), time.Time{}, 2))
	parts := c.Partitions()
	if got := len(parts[0].Facts); got != 2 {
		t.Errorf("facts = %d, want 2 distinct labels for ids past 2^53", got)
	}
}
