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

// period is a parsed period label.
type period struct {
	Label string
	Grain string // "month" or "quarter"
	Start time.Time
	End   time.Time // exclusive
}

// parsePeriod parses "2026-07" as a month and "2026-Q3" as a quarter.
func parsePeriod(label string) (period, error) {
	if m := monthPattern.FindStringSubmatch(label); m != nil {
		year, _ := strconv.Atoi(m[1])
		month, _ := strconv.Atoi(m[2])
		start := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
		return period{Label: label, Grain: "month", Start: start, End: start.AddDate(0, 1, 0)}, nil
	}
	if m := quarterPattern.FindStringSubmatch(label); m != nil {
		year, _ := strconv.Atoi(m[1])
		quarter, _ := strconv.Atoi(m[2])
		start := time.Date(year, time.Month(3*quarter-2), 1, 0, 0, 0, 0, time.UTC)
		return period{Label: label, Grain: "quarter", Start: start, End: start.AddDate(0, 3, 0)}, nil
	}
	return period{}, fmt.Errorf("invalid period %q: use a month such as 2026-07 or a quarter such as 2026-Q3", label)
}
