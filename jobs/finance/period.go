// Package finance reconciles the cost totals of the warehouse with the
// cost source files and writes the finance CSV files of a period.
package finance

import "evidencepack/jobs/render"

// Period is a calendar month or quarter in UTC, as packs use it.
type Period = render.Period

// ParsePeriod parses a month label such as 2026-07 or a quarter label such
// as 2026-Q3.
var ParsePeriod = render.ParsePeriod
