package extract

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

var errNotObject = errors.New("not a JSON object")

// Timestamps are accepted from 1970-01-01T00:00:00Z up to, but not
// including, 2200-01-01T00:00:00Z. No product, review, bill or incident
// record predates the Unix epoch, so an earlier time (year 0, the zero
// time that facts use for NULL) or a far future one (year 9999, a
// placeholder for "never") is a broken value. The range fits BigQuery
// TIMESTAMP and Arrow's int64 microseconds.
var (
	minTimestamp = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTimestamp = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	errTimeRange = errors.New("timestamp out of range: accepted from 1970-01-01T00:00:00Z to before 2200-01-01T00:00:00Z")
)

// Target vocabularies of the fact tables. A source value already in one of
// them is accepted without a mapping.
var (
	knownEventTypes = []string{"case_opened", "case_resolved", "case_escalated",
		"case_reopened", "suggestion_accepted", "audit_export_completed"}
	knownAutonomyLevels = []string{"draft", "recommendation", "bounded_automation", "full_workflow"}
	knownVerdicts       = []string{"correct", "partially_correct", "incorrect"}
	knownSeverities     = []string{"sev1", "sev2", "sev3", "sev4"}
)

// converter turns input values of one source into typed fact values.
type converter struct {
	src   config.Source
	naive *time.Location // zone of timestamps without an offset; nil rejects them
}

func missing(v fieldValue) *transforms.FieldError {
	return &transforms.FieldError{Column: v.Name, Reason: "missing"}
}

func invalid(v fieldValue, err error) *transforms.FieldError {
	return &transforms.FieldError{Column: v.Name, Raw: v.Text, Reason: err.Error()}
}

// required returns the text of a column that must have a value.
func required(fs fieldSource, column string) (string, *transforms.FieldError) {
	v := fs.field(column)
	if !v.Found {
		return "", missing(v)
	}
	return v.Text, nil
}

// parseTime parses a timestamp: a JSON number or a string of digits is a
// Unix epoch whose unit follows from its magnitude, anything else is text.
func (c *converter) parseTime(v fieldValue) (time.Time, *transforms.FieldError) {
	var (
		t    time.Time
		err  error
		fast bool
	)
	if v.Number || isInteger(v.Text) {
		t, err = transforms.ParseEpoch(v.Text, transforms.EpochAuto)
	} else if t, fast = parseTimeFast(v.Text, c.naive); !fast {
		t, err = transforms.ParseTime(v.Text, c.naive)
	}
	if err != nil {
		return time.Time{}, invalid(v, err)
	}
	if t.Before(minTimestamp) || !t.Before(maxTimestamp) {
		return time.Time{}, invalid(v, errTimeRange)
	}
	return t, nil
}

func isInteger(s string) bool {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// requiredTime parses a timestamp column that must have a value.
func (c *converter) requiredTime(fs fieldSource, column string) (time.Time, *transforms.FieldError) {
	v := fs.field(column)
	if !v.Found {
		return time.Time{}, missing(v)
	}
	return c.parseTime(v)
}

// optionalTime parses a nullable timestamp column; zero means NULL.
func (c *converter) optionalTime(fs fieldSource, column string) (time.Time, *transforms.FieldError) {
	v := fs.field(column)
	if !v.Found {
		return time.Time{}, nil
	}
	return c.parseTime(v)
}

// account returns the record's account, or the source's fixed account when
// no account field has a value.
func (c *converter) account(fs fieldSource) (string, *transforms.FieldError) {
	v := fs.field("account_id")
	if v.Found {
		return v.Text, nil
	}
	if c.src.Account != "" {
		return c.src.Account, nil
	}
	return "", &transforms.FieldError{Column: v.Name, Reason: "missing, and the source sets no account"}
}

// mapVocabulary maps a source value through mapping. A value that is
// already a mapping target or in known is accepted as it is. Any other
// value is rejected with a reason that names the value, its noun and the
// config setting.
func mapVocabulary(v fieldValue, mapping map[string]string, known []string, noun, setting string) (string, *transforms.FieldError) {
	if target, ok := mapping[v.Text]; ok {
		return target, nil
	}
	if slices.Contains(known, v.Text) {
		return v.Text, nil
	}
	for _, target := range mapping {
		if target == v.Text {
			return v.Text, nil
		}
	}
	reason := fmt.Sprintf("%s %s not in %s", noun, v.Text, setting)
	return "", &transforms.FieldError{Column: v.Name, Raw: v.Text, Reason: reason}
}

// mappedRequired resolves a column that must have a value and maps it
// through a vocabulary.
func mappedRequired(fs fieldSource, column string, mapping map[string]string, known []string, noun, setting string) (string, *transforms.FieldError) {
	v := fs.field(column)
	if !v.Found {
		return "", missing(v)
	}
	return mapVocabulary(v, mapping, known, noun, setting)
}

// autonomyLevel validates the nullable autonomy level against its fixed
// vocabulary.
func autonomyLevel(fs fieldSource) (string, *transforms.FieldError) {
	v := fs.field("autonomy_level")
	if !v.Found {
		return "", nil
	}
	if !slices.Contains(knownAutonomyLevels, v.Text) {
		reason := "autonomy level " + v.Text + " is not one of " + strings.Join(knownAutonomyLevels, ", ")
		return "", &transforms.FieldError{Column: v.Name, Raw: v.Text, Reason: reason}
	}
	return v.Text, nil
}

// handleTime parses the nullable handle time in seconds: a JSON number or
// numeric text, finite and not negative.
func handleTime(fs fieldSource) (*float64, *transforms.FieldError) {
	v := fs.field("handle_time_seconds")
	if !v.Found {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v.Text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, &transforms.FieldError{Column: v.Name, Raw: v.Text, Reason: "not a number of seconds"}
	}
	if f < 0 {
		return nil, &transforms.FieldError{Column: v.Name, Raw: v.Text, Reason: "negative handle time"}
	}
	return &f, nil
}
