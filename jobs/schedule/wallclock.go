package schedule

import (
	"time"

	"github.com/robfig/cron/v3"
)

// Parse parses a job's spec with cron.ParseStandard and wraps a
// field-based spec so that daylight saving changes neither skip nor repeat
// a firing; see wallClockSchedule. Descriptors such as "@every 1h" count
// elapsed time and are returned as parsed.
func Parse(spec string) (cron.Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, err
	}
	if ss, ok := s.(*cron.SpecSchedule); ok {
		return newWallClockSchedule(ss), nil
	}
	return s, nil
}

// wallClockSchedule matches a spec against the wall clock of its zone and
// maps each match to one instant.
//
// robfig/cron v3.0.1's SpecSchedule.Next steps through the zone's real
// hours, so in America/New_York "30 2 * * *" has no firing at all on
// 2026-03-08 (02:00 to 03:00 does not exist that day) and "30 1 * * *"
// fires twice on 2026-11-01 (01:30 EDT and 01:30 EST). The tests pin both.
// This wrapper instead walks the wall clock, which has no gaps or
// repeats. A wall time in the spring gap moves forward by the gap's length
// (02:30 runs at 03:30 EDT). A wall time in the repeated autumn hour maps
// to its first occurrence only.
//
// NOTE: a spec that fires more often than hourly, such as "*/15 * * * *",
// therefore also fires once per wall-clock time in the repeated hour and
// pauses for that hour's second pass.
type wallClockSchedule struct {
	loc *time.Location
	// wall is the spec in UTC, where wall-clock time has no changes.
	wall cron.SpecSchedule
}

func newWallClockSchedule(s *cron.SpecSchedule) *wallClockSchedule {
	loc := s.Location
	wall := *s
	wall.Location = time.UTC
	return &wallClockSchedule{loc: loc, wall: wall}
}

// maxShift bounds how far a zone change moves wall time. Real changes are
// at most two hours (historical double summer time).
const maxShift = 3 * time.Hour

// Next returns the first instant after t whose wall clock in the zone
// matches the spec, or the zero time when none exists.
func (s *wallClockSchedule) Next(t time.Time) time.Time {
	// A wall time up to maxShift before t's maps after t when it lies in
	// a spring gap. A match up to maxShift after the first hit can map to
	// an earlier instant than the hit. So both ranges are scanned.
	w := wallTime(t.In(s.loc)).Add(-maxShift)
	var best, bestWall time.Time
	for range 2000 {
		w = s.wall.Next(w)
		if w.IsZero() || (!best.IsZero() && w.After(bestWall.Add(maxShift))) {
			break
		}
		next := instantOf(w, s.loc)
		if next.After(t) && (best.IsZero() || next.Before(best)) {
			best = next
			if bestWall.IsZero() {
				bestWall = w
			}
		}
	}
	if best.IsZero() {
		return best
	}
	return best.In(t.Location())
}

// Location returns the zone the spec is read in.
func (s *wallClockSchedule) Location() *time.Location { return s.loc }

// wallTime returns t's wall clock as a UTC time with the same fields.
func wallTime(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// instantOf returns the earliest instant whose wall clock in loc is w. A
// wall time that loc skips is read with the offset in force before the
// skip, so it lands as far after the gap's end as w is after its start.
func instantOf(w time.Time, loc *time.Location) time.Time {
	// Offsets in force a day around w cover every real zone change.
	_, before := time.Date(w.Year(), w.Month(), w.Day()-1, w.Hour(), w.Minute(), 0, 0, loc).Zone()
	_, after := time.Date(w.Year(), w.Month(), w.Day()+1, w.Hour(), w.Minute(), 0, 0, loc).Zone()
	var best time.Time
	for _, offset := range []int{before, after} {
		u := w.Add(-time.Duration(offset) * time.Second)
		if wallTime(u.In(loc)).Equal(w) && (best.IsZero() || u.Before(best)) {
			best = u
		}
	}
	if best.IsZero() {
		return w.Add(-time.Duration(before) * time.Second).In(loc)
	}
	return best.In(loc)
}
