package checks

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
	"evidencepack/transforms"
)

// FreshnessResult is the age of one source's newest fact at the end of
// the window. Status and Severity read as in Result: a failed result of
// severity error stops the run.
type FreshnessResult struct {
	Source string `json:"source"`
	Table  string `json:"table"`
	// NewestAt is the event time of the source's newest fact dated up to
	// the window end; nil when there is none.
	NewestAt *time.Time `json:"newest_at,omitempty"`
	// NewestFileAt is the newest modification time of the source's input
	// files. It is recorded for the reader and does not decide Status.
	NewestFileAt *time.Time `json:"newest_file_modified_at,omitempty"`
	// WindowEnd is the end of the window's last logical date, UTC.
	WindowEnd  time.Time `json:"window_end"`
	AgeSeconds float64   `json:"age_seconds"`
	WarnAfter  string    `json:"warn_after,omitempty"`
	ErrorAfter string    `json:"error_after,omitempty"`
	Status     string    `json:"status"`
	Severity   string    `json:"severity,omitempty"`
	Message    string    `json:"message,omitempty"`
	SQL        string    `json:"sql"`
}

// Blocking reports whether the source is older than its error_after.
func (f FreshnessResult) Blocking() bool {
	return f.Status == StatusFailed && f.Severity == config.SeverityError
}

// eventColumns are the event time column of each fact table and the noun
// of one of its rows in messages.
var eventColumns = map[string][2]string{
	transforms.TableUsage:     {"occurred_at", "usage event"},
	transforms.TableLabels:    {"labeled_at", "review label"},
	transforms.TableCosts:     {"charge_period_start", "cost line"},
	transforms.TableIncidents: {"opened_at", "incident"},
}

// Freshness measures the sources in a DuckDB database, as
// MeasureFreshness does.
func Freshness(ctx context.Context, db *sql.DB, sources []config.Source, to time.Time,
	files map[string][]string) ([]FreshnessResult, error) {
	return MeasureFreshness(ctx, warehouse.SQLQuerier{DB: db}, evsql.DuckDB(), sources, to, files)
}

// MeasureFreshness measures every source with a freshness setting against
// the end of the logical date to, the last date of the window, with
// queries in dialect d. files lists each source's input files for the
// file modification times; it may be nil.
func MeasureFreshness(ctx context.Context, q warehouse.Querier, d evsql.Dialect, sources []config.Source,
	to time.Time, files map[string][]string) ([]FreshnessResult, error) {
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	var out []FreshnessResult
	for _, src := range sources {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if src.Freshness == nil {
			continue
		}
		res, err := sourceFreshness(ctx, q, dialect{d}, src, end)
		if err != nil {
			return out, err
		}
		res.NewestFileAt = newestModTime(files[src.Name])
		out = append(out, res)
	}
	return out, nil
}

func sourceFreshness(ctx context.Context, q warehouse.Querier, d dialect, src config.Source,
	end time.Time) (FreshnessResult, error) {
	table, err := transforms.TableOfKind(src.Kind)
	if err != nil {
		return FreshnessResult{}, err
	}
	col := eventColumns[table]
	res := FreshnessResult{Source: src.Name, Table: table, WindowEnd: end, Status: StatusPassed,
		WarnAfter: formatDuration(src.Freshness.WarnAfter), ErrorAfter: formatDuration(src.Freshness.ErrorAfter)}
	name, err := d.table(table)
	if err != nil {
		return res, fmt.Errorf("freshness of source %s: %w", src.Name, err)
	}
	res.SQL = fmt.Sprintf("SELECT MAX(%s) FROM %s WHERE source = ? AND dt < CAST(? AS DATE)",
		d.ident(col[0]), name)
	var newest sql.NullTime
	args := []any{src.Name, end.Format(time.DateOnly)}
	if err := warehouse.QueryRow(ctx, q, res.SQL, args, &newest); err != nil {
		return res, fmt.Errorf("freshness of source %s: %w", src.Name, err)
	}
	if newest.Valid {
		t := newest.Time.UTC()
		res.NewestAt = &t
		res.AgeSeconds = end.Sub(t).Seconds()
	}
	judge(&res, src.Freshness, col[1])
	return res, nil
}

// judge sets the status, severity and message of a measured source.
func judge(res *FreshnessResult, f *config.Freshness, noun string) {
	age := time.Duration(res.AgeSeconds * float64(time.Second))
	day := res.WindowEnd.AddDate(0, 0, -1).Format(time.DateOnly)
	switch {
	case f.ErrorAfter > 0 && (res.NewestAt == nil || age > f.ErrorAfter):
		res.Severity = config.SeverityError
		res.Message = staleMessage(res, noun, age, day, "error_after "+res.ErrorAfter)
	case f.WarnAfter > 0 && (res.NewestAt == nil || age > f.WarnAfter):
		res.Severity = config.SeverityWarn
		res.Message = staleMessage(res, noun, age, day, "warn_after "+res.WarnAfter)
	default:
		return
	}
	res.Status = StatusFailed
}

func staleMessage(res *FreshnessResult, noun string, age time.Duration, day, limit string) string {
	if res.NewestAt == nil {
		return fmt.Sprintf("source %s: no %s at or before the end of the window %s (%s)",
			res.Source, noun, day, limit)
	}
	return fmt.Sprintf("source %s: newest %s is %s older than the end of the window %s (%s)",
		res.Source, noun, FormatAge(age), day, limit)
}

// Note returns the sentence that packs carry about a stale source.
func (f FreshnessResult) Note() string {
	if f.NewestAt == nil {
		return fmt.Sprintf("Figures from %s rest on stale data: %s.", f.Table, f.Message)
	}
	return fmt.Sprintf("Figures from %s after %s rest on stale data: %s.", f.Table,
		f.NewestAt.Format("2006-01-02 15:04 UTC"), f.Message)
}

// FormatAge writes a duration as days, hours and minutes, such as "3d 4h"
// or "45m".
func FormatAge(d time.Duration) string {
	if d < 0 {
		return "-" + FormatAge(-d)
	}
	days := d / (24 * time.Hour)
	hours := (d % (24 * time.Hour)) / time.Hour
	minutes := (d % time.Hour) / time.Minute
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%dh", hours))
	}
	if minutes > 0 && days == 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%dm", minutes))
	}
	return strings.Join(parts, " ")
}

// formatDuration writes 72h0m0s as 72h and 90m0s as 1h30m.
func formatDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func newestModTime(files []string) *time.Time {
	var newest *time.Time
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			continue
		}
		t := info.ModTime().UTC()
		if newest == nil || t.After(*newest) {
			newest = &t
		}
	}
	return newest
}
