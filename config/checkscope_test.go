package config

import (
	"strings"
	"testing"
)

func TestCheckScopeConfigErrors(t *testing.T) {
	tests := []struct {
		name, extra, want string
	}{
		{"bad global scope", "checks_scope: partition\n", "checks_scope: must be window or table"},
		{"bad check scope", "checks:\n  - {name: usage_events.unique, scope: all}\n", "checks[0].scope: must be window or table"},
		{"custom_sql scope", "checks:\n  - {name: a, kind: custom_sql, sql: SELECT 1, scope: window}\n", "checks[0].scope: does not apply to kind custom_sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadText(t, base+tt.extra, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEffectiveCheckScopes(t *testing.T) {
	cfg, err := loadText(t, base+`checks_scope: table
checks:
  - {name: usage_events.unique, scope: window}
  - {name: big, kind: custom_sql, sql: SELECT 1}
  - {name: own, table: incidents, kind: not_null, columns: [status]}
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	scopes := map[string]string{}
	for _, c := range cfg.EffectiveChecks() {
		scopes[c.Name] = c.Scope
	}
	for name, want := range map[string]string{
		"usage_events.unique":   ScopeWindow,
		"usage_events.not_null": ScopeTable,
		"own":                   ScopeTable,
		"big":                   "",
	} {
		if scopes[name] != want {
			t.Errorf("scope of %s = %q, want %q", name, scopes[name], want)
		}
	}

	cfg.ChecksScope = ""
	for _, c := range cfg.EffectiveChecks() {
		if c.Name == "own" && c.Scope != ScopeWindow {
			t.Errorf("scope of own without checks_scope = %q, want window", c.Scope)
		}
	}
}
