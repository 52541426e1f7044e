package transforms

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// zonedLayouts are the timestamp forms with an explicit offset that sources
// write.
var zonedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04:05.999999999-0700",
	"2006-01-02 15:04:05 MST",
}

// naiveLayouts are forms without an offset; they are read in a zone the
// source declares.
var naiveLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
	"1/2/06",
}

// ParseTime parses a timestamp and returns it in UTC, truncated to the
// microsecond. A value with an offset is taken as written. A value without
// one is read in naive when naive is not nil, and rejected otherwise: a
// source that promises zoned timestamps passes nil.
func ParseTime(s string, naive *time.Location) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, fmt.Errorf("empty timestamp")
	}
	// Failed parses allocate, so a value no zoned layout can parse skips them.
	if !isNaiveDateTime(v) {
		for _, layout := range zonedLayouts {
			if t, err := time.Parse(layout, v); err == nil {
				return t.UTC().Truncate(time.Microsecond), nil
			}
		}
	}
	for _, layout := range naiveLayouts {
		t, err := time.ParseInLocation(layout, v, time.UTC)
		if err != nil {
			continue
		}
		if naive == nil {
			return time.Time{}, fmt.Errorf("timestamp has no time zone")
		}
		local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(),
			t.Second(), t.Nanosecond(), naive)
		return local.UTC().Truncate(time.Microsecond), nil
	}
	return time.Time{}, fmt.Errorf("not a recognised timestamp")
}

// isNaiveDateTime reports whether v has exactly the form
// YYYY-MM-DD hh:mm:ss, which FOCUS exports use. Every zoned layout needs
// a T or a zone after the seconds, so none of them parses such a value.
func isNaiveDateTime(v string) bool {
	const form = "dddd-dd-dd dd:dd:dd"
	if len(v) != len(form) {
		return false
	}
	for i := range len(form) {
		if form[i] == 'd' {
			if v[i] < '0' || v[i] > '9' {
				return false
			}
		} else if v[i] != form[i] {
			return false
		}
	}
	return true
}

// EpochUnit is the unit of a numeric timestamp.
type EpochUnit int

// Units of numeric timestamps.
const (
	EpochAuto EpochUnit = iota // guessed from the magnitude
	EpochSeconds
	EpochMillis
	EpochMicros
	EpochNanos
)

// ParseEpoch parses an integer Unix timestamp given as text (so values past
// 2^53 keep every digit) and returns it in UTC, truncated to the
// microsecond. EpochAuto picks the unit from the number of digits.
func ParseEpoch(s string, unit EpochUnit) (time.Time, error) {
	v := strings.TrimSpace(s)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || unit != EpochSeconds && unit != EpochAuto {
			return time.Time{}, fmt.Errorf("not an integer epoch timestamp")
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Truncate(time.Microsecond), nil
	}
	if unit == EpochAuto {
		unit = guessEpochUnit(n)
	}
	var t time.Time
	switch unit {
	case EpochSeconds:
		t = time.Unix(n, 0)
	case EpochMillis:
		t = time.UnixMilli(n)
	case EpochMicros:
		t = time.UnixMicro(n)
	default:
		t = time.Unix(0, n)
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

func guessEpochUnit(n int64) EpochUnit {
	if n < 0 {
		n = -n
	}
	switch {
	case n < 1e11:
		return EpochSeconds
	case n < 1e14:
		return EpochMillis
	case n < 1e17:
		return EpochMicros
	default:
		return EpochNanos
	}
}
