package checks

import (
	"context"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
)

func TestFreshness(t *testing.T) {
	db := newWarehouse(t, `UPDATE cost_lines SET charge_period_start = TIMESTAMP '2026-09-27 20:00:00' WHERE line_id = 'k1'`)
	to := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	limits := config.Freshness{WarnAfter: 36 * time.Hour, ErrorAfter: 72 * time.Hour}
	tests := []struct {
		name, kind, source string
		limits             config.Freshness
		status, severity   string
		message            string
	}{
		{"stale costs fail", "costs", "bill", limits, StatusFailed, config.SeverityError,
			"source bill: newest cost line is 3d 4h older than the end of the window 2026-09-30 (error_after 72h)"},
		{"stale costs warn", "costs", "bill", config.Freshness{WarnAfter: 36 * time.Hour}, StatusFailed,
			config.SeverityWarn, "(warn_after 36h)"},
		{"fresh usage", "usage", "app", config.Freshness{WarnAfter: 48 * time.Hour}, StatusPassed, "", ""},
		{"source without facts", "incidents", "pagerduty", limits, StatusFailed, config.SeverityError,
			"source pagerduty: no incident at or before the end of the window 2026-09-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.limits
			src := config.Source{Name: tt.source, Kind: tt.kind, Freshness: &lim}
			got, err := Freshness(context.Background(), db, []config.Source{src}, to, nil)
			if err != nil {
				t.Fatal(err)
			}
			f := got[0]
			if f.Status != tt.status || f.Severity != tt.severity {
				t.Errorf("status %s severity %q, want %s %q", f.Status, f.Severity, tt.status, tt.severity)
			}
			if !strings.Contains(f.Message, tt.message) {
				t.Errorf("message %q, want it to contain %q", f.Message, tt.message)
			}
		})
	}
}

func TestFormatAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		76 * time.Hour: "3d 4h", 72 * time.Hour: "3d", 5 * time.Hour: "5h",
		45 * time.Minute: "45m", 90 * time.Minute: "1h 30m", 0: "0m",
	} {
		if got := FormatAge(d); got != want {
			t.Errorf("FormatAge(%s) = %q, want %q", d, got, want)
		}
	}
	if got := formatDuration(90 * time.Second); got != "1m30s" {
		t.Errorf("formatDuration(90s) = %q, want 1m30s", got)
	}
}
