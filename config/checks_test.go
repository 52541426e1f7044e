package config

import (
	"strings"
	"testing"
)

func TestChecksConfigErrors(t *testing.T) {
	tests := []struct {
		name, extra, want string
	}{
		{"unknown kind", "checks:\n  - {name: a, table: usage_events, kind: bogus}\n", ":13: checks[0].kind: must be one of"},
		{"unknown column", "checks:\n  - {name: a, table: usage_events, kind: not_null, columns: [nope]}\n", "checks[0].columns[0]: table usage_events has no column \"nope\""},
		{"bad severity", "checks:\n  - {name: usage_events.unique, severity: fatal}\n", "checks[0].severity: must be warn or error"},
		{"no values", "checks:\n  - {name: a, table: incidents, kind: accepted_values, columns: [status]}\n", "checks[0].values: at least one value"},
		{"drop share", "checks:\n  - {name: a, table: incidents, kind: row_count_drop, max_drop_share: 2}\n", "checks[0].max_drop_share"},
		{"custom without sql", "checks:\n  - {name: a, kind: custom_sql}\n", "checks[0].sql: required"},
		{"disabled unknown", "checks_disabled: [nope]\n", ":12: checks_disabled[0]: no built-in or configured check is named \"nope\""},
		{"freshness order", "", "sources[0].freshness.error_after: must not be shorter than warn_after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := base + tt.extra
			if tt.name == "freshness order" {
				text = strings.Replace(base, "    max_reject_ratio: 0.1\n",
					"    max_reject_ratio: 0.1\n    freshness: {warn_after: 72h, error_after: 36h}\n", 1)
			}
			_, err := loadText(t, text, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEffectiveChecks(t *testing.T) {
	cfg, err := loadText(t, base+`checks_disabled: [incidents.unique]
checks:
  - {name: usage_events.unique, severity: warn}
  - {name: open_incidents, table: incidents, kind: not_null, columns: [status]}
`, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	got := map[string]Check{}
	for _, c := range cfg.EffectiveChecks() {
		got[c.Name] = c
	}
	if _, ok := got["incidents.unique"]; ok {
		t.Error("incidents.unique is disabled but still effective")
	}
	if got["usage_events.unique"].Severity != SeverityWarn {
		t.Errorf("usage_events.unique severity = %q, want warn", got["usage_events.unique"].Severity)
	}
	if got["open_incidents"].Severity != SeverityError {
		t.Errorf("open_incidents severity = %q, want the default error", got["open_incidents"].Severity)
	}
	if len(got) != len(BuiltinChecks()) {
		t.Errorf("effective checks = %d, want %d (one disabled, one added)", len(got), len(BuiltinChecks()))
	}
}
