package render

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

var (
	monthPattern   = regexp.MustCompile(`^(\d{4})-(0[1-9]|1[0-2])$`)
	quarterPattern = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
)

// Period is a calendar month or quarter, with UTC bounds.
type Period struct {
	Label string    // 2026-07 or 2026-Q3
	Grain string    // month or quarter
	Start time.Time // first instant, inclusive
	End   time.Time // first instant after the period, exclusive
}

// ParsePeriod parses a month label such as 2026-07 or a quarter label such
// as 2026-Q3.
func ParsePeriod(label string) (Period, error) {
	if m := monthPattern.FindStringSubmatch(label); m != nil {
		year, _ := strconv.Atoi(m[1])
		month, _ := strconv.Atoi(m[2])
		start := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
		return Period{Label: label, Grain: "month", Start: start, End: start.AddDate(0, 1, 0)}, nil
	}
	if m := quarterPattern.FindStringSubmatch(label); m != nil {
		year, _ := strconv.Atoi(m[1])
		quarter, _ := strconv.Atoi(m[2])
		start := time.Date(year, time.Month(3*quarter-2), 1, 0, 0, 0, 0, time.UTC)
		return Period{Label: label, Grain: "quarter", Start: start, End: start.AddDate(0, 3, 0)}, nil
	}
	return Period{}, fmt.Errorf("invalid period %q: use a month such as 2026-07 or a quarter such as 2026-Q3", label)
}

// LastDay returns the last date of the period.
func (p Period) LastDay() time.Time { return p.End.AddDate(0, 0, -1) }

// Contains reports whether t, taken in UTC, falls in the period.
func (p Period) Contains(t time.Time) bool {
	t = t.UTC()
	return !t.Before(p.Start) && t.Before(p.End)
}

// Months returns the month labels of the period in order: one for a month,
// three for a quarter.
func (p Period) Months() []string {
	var out []string
	for m := p.Start; m.Before(p.End); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}
