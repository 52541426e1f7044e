package schedule

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// firings returns the first n results of repeated Next calls from start.
func firings(s cron.Schedule, start time.Time, n int) []time.Time {
	var out []time.Time
	t := start
	for range n {
		t = s.Next(t)
		out = append(out, t)
	}
	return out
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestCronV3DaylightSaving pins what robfig/cron v3.0.1 does on its own,
// the behaviour that wallClockSchedule corrects. If an upgrade changes it,
// this test fails and the wrapper can be reconsidered.
func TestCronV3DaylightSaving(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	cases := []struct {
		name  string
		spec  string
		start time.Time
		want  []string // UTC instants
	}{
		{
			name:  "spring gap skips the day",
			spec:  "CRON_TZ=America/New_York 30 2 * * *",
			start: time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			// 2026-03-08 has no firing; the next is 02:30 EDT on 03-09.
			want: []string{"2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"},
		},
		{
			name:  "autumn repeat fires twice",
			spec:  "CRON_TZ=America/New_York 30 1 * * *",
			start: time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			// 01:30 EDT and 01:30 EST on 2026-11-01.
			want: []string{"2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:30:00Z"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := cron.ParseStandard(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := firings(s, c.start, len(c.want))
			for i, w := range c.want {
				if !got[i].Equal(utc(w)) {
					t.Errorf("firing %d = %s, want %s", i, got[i].UTC().Format(time.RFC3339), w)
				}
			}
		})
	}
}

func TestWallClockScheduleDaylightSaving(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	berlin := mustZone(t, "Europe/Berlin")
	cases := []struct {
		name  string
		spec  string
		start time.Time
		want  []string // UTC instants
	}{
		{
			name:  "spring gap runs once after the gap",
			spec:  "CRON_TZ=America/New_York 30 2 * * *",
			start: time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			// 02:30 EST on 03-07, 03:30 EDT on 03-08, 02:30 EDT on 03-09.
			want: []string{"2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"},
		},
		{
			name:  "autumn repeat runs once at the first pass",
			spec:  "CRON_TZ=America/New_York 30 1 * * *",
			start: time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			want:  []string{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"},
		},
		{
			name:  "start inside the repeated hour after the first pass",
			spec:  "CRON_TZ=America/New_York 30 1 * * *",
			start: utc("2026-11-01T06:10:00Z"), // 01:10 EST, second pass
			want:  []string{"2026-11-02T06:30:00Z"},
		},
		{
			name:  "start inside the spring gap's shifted slot",
			spec:  "CRON_TZ=America/New_York 30 2 * * *",
			start: utc("2026-03-08T07:00:00Z"), // 03:00 EDT
			want:  []string{"2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"},
		},
		{
			name:  "ordinary day is unchanged",
			spec:  "CRON_TZ=America/New_York 30 2 * * *",
			start: time.Date(2026, 6, 1, 0, 0, 0, 0, ny),
			want:  []string{"2026-06-01T06:30:00Z", "2026-06-02T06:30:00Z"},
		},
		{
			name:  "descriptor daily in Berlin spring",
			spec:  "CRON_TZ=Europe/Berlin @daily",
			start: time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			want:  []string{"2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"},
		},
		{
			name:  "Berlin 02:30 on the spring change",
			spec:  "CRON_TZ=Europe/Berlin 30 2 * * *",
			start: time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			// 2026-03-29 02:30 does not exist; 03:30 CEST is 01:30 UTC.
			want: []string{"2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"},
		},
		{
			name:  "Berlin 02:30 on the autumn change",
			spec:  "CRON_TZ=Europe/Berlin 30 2 * * *",
			start: time.Date(2026, 10, 24, 12, 0, 0, 0, berlin),
			want:  []string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"},
		},
		{
			name:  "UTC hourly",
			spec:  "CRON_TZ=UTC 0 * * * *",
			start: utc("2026-03-08T06:59:59Z"),
			want:  []string{"2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := firings(s, c.start, len(c.want))
			for i, w := range c.want {
				if !got[i].Equal(utc(w)) {
					t.Errorf("firing %d = %s, want %s", i, got[i].UTC().Format(time.RFC3339), w)
				}
			}
		})
	}
}

func TestParseEveryIsNotWrapped(t *testing.T) {
	s, err := Parse("@every 1s")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(cron.ConstantDelaySchedule); !ok {
		t.Errorf("Parse(@every 1s) = %T, want cron.ConstantDelaySchedule", s)
	}
	start := utc("2026-03-08T07:00:00Z")
	if got := s.Next(start); !got.Equal(start.Add(time.Second)) {
		t.Errorf("Next = %s, want one second later", got)
	}
}

func TestWallClockScheduleEarliestAfterGap(t *testing.T) {
	// 02:30 moves to 03:30 EDT on 2026-03-08, after the real 03:10 match.
	s, err := Parse("CRON_TZ=America/New_York 30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Parse("CRON_TZ=America/New_York 10,30 2,3 * * *")
	if err != nil {
		t.Fatal(err)
	}
	start := utc("2026-03-08T07:00:00Z") // 03:00 EDT
	if got := s.Next(start); !got.Equal(utc("2026-03-08T07:30:00Z")) {
		t.Errorf("30 2: Next = %s, want 03:30 EDT", got)
	}
	want := []string{"2026-03-08T07:10:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:10:00Z"}
	got := firings(s2, start, len(want))
	for i, w := range want {
		if !got[i].Equal(utc(w)) {
			t.Errorf("10,30 2,3: firing %d = %s, want %s", i, got[i].UTC().Format(time.RFC3339), w)
		}
	}
}
