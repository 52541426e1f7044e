package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadText(t *testing.T, text string, env map[string]string) (*Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return Load(path, lookupFrom(env))
}

const privacyBase = `sources:
  - name: reviews
    kind: labels
    format: csv
    paths: [labels.csv]
    sensitive_fields: [case_id]
redact_patterns:
  - name: employee_id
    pattern: 'EMP-\d{6}'
pseudonymize:
  user_ids: true
accounts_allow: [acme-health, globex]
`

func TestLoadPrivacySettings(t *testing.T) {
	cfg, err := loadText(t, privacyBase, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.RedactPatterns[0].Re == nil || !cfg.RedactPatterns[0].Re.MatchString("EMP-123456") {
		t.Errorf("redact_patterns[0] not compiled: %+v", cfg.RedactPatterns[0])
	}
	if got := cfg.Sources[0].RedactedColumns(); strings.Join(got, ",") != "feedback_text,case_id" {
		t.Errorf("RedactedColumns = %v, want feedback_text and case_id", got)
	}
	if got := cfg.Pseudonymize.HMACKeyEnv(); got != DefaultHMACKeyEnv {
		t.Errorf("HMACKeyEnv = %q, want %q", got, DefaultHMACKeyEnv)
	}
	if !cfg.AccountAllowed("globex") || cfg.AccountAllowed("initech") {
		t.Errorf("AccountAllowed: want globex allowed and initech not")
	}
}

func TestLoadPrivacyErrors(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"bad regex", `'EMP-\d{6}'`, `'EMP-(\d'`, "c.yaml:9: redact_patterns[0].pattern: invalid regular expression"},
		{"empty match", `'EMP-\d{6}'`, `'x*'`, "redact_patterns[0].pattern: matches the empty string"},
		{"builtin name", "name: employee_id", "name: email", "redact_patterns[0].name: \"email\" is a built-in"},
		{"bad field", "sensitive_fields: [case_id]", "sensitive_fields: [verdicts]", "c.yaml:6: sources[0].sensitive_fields[0]: must be a text column"},
		{"account field", "sensitive_fields: [case_id]", "sensitive_fields: [account_id]", "sources[0].sensitive_fields[0]"},
		{"bad allow id", "[acme-health, globex]", "[acme-health, ../etc]", "accounts_allow[1]: invalid account id"},
		{"bad key env", "user_ids: true", "user_ids: true\n  key_env: 'A B'", "pseudonymize.key_env"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadText(t, strings.Replace(privacyBase, tc.old, tc.new, 1), nil)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
