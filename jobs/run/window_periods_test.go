package run

import (
	"slices"
	"testing"
	"time"
)

func TestWindowPeriodsAccountZones(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := []struct {
		name     string
		grain    string
		from, to string
		zones    []string
		want     []string
	}{
		{"utc only", "quarter", "2026-10-01", "2026-10-01", []string{"UTC"}, []string{"2026-Q4"}},
		{"no accounts", "quarter", "2026-10-01", "2026-10-01", nil, []string{"2026-Q4"}},
		{"west of utc reaches back", "quarter", "2026-10-01", "2026-10-01",
			[]string{"UTC", "America/Los_Angeles"}, []string{"2026-Q3", "2026-Q4"}},
		{"east of utc reaches forward", "quarter", "2026-09-30", "2026-09-30",
			[]string{"Asia/Tokyo"}, []string{"2026-Q3", "2026-Q4"}},
		{"months west of utc", "month", "2026-08-01", "2026-08-31",
			[]string{"America/Los_Angeles"}, []string{"2026-07", "2026-08"}},
		{"whole quarter", "quarter", "2026-07-01", "2026-09-30",
			[]string{"Europe/Berlin", "America/New_York"}, []string{"2026-Q2", "2026-Q3", "2026-Q4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := WindowPeriods(c.grain, day(c.from), day(c.to), c.zones)
			if !slices.Equal(got, c.want) {
				t.Errorf("WindowPeriods(%s, %s..%s, %v) = %v, want %v", c.grain, c.from, c.to, c.zones, got, c.want)
			}
		})
	}
}
