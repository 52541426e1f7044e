package config

import (
	"fmt"
	"regexp"
	"slices"
)

// DefaultHMACKeyEnv is the environment variable that holds the pseudonym
// key when pseudonymize.key_env is not set.
const DefaultHMACKeyEnv = "EVIDENCEPACK_HMAC_KEY"

// RedactPattern is a configured detector of personal data in free text:
// each match of Pattern is replaced with "[Name]".
type RedactPattern struct {
	Name    string `yaml:"name"`
	Pattern string `yaml:"pattern"`
	// Re is Pattern compiled by Load.
	Re *regexp.Regexp `yaml:"-"`
}

// Pseudonymize selects which ids are replaced with keyed pseudonyms. The
// key itself never enters the config: the command reads it from the
// environment variable KeyEnv names.
type Pseudonymize struct {
	// UserIDs replaces usage user_id and label reviewer_id values.
	UserIDs bool `yaml:"user_ids"`
	// KeyEnv names the environment variable with the HMAC key. The
	// default is DefaultHMACKeyEnv.
	KeyEnv string `yaml:"key_env"`
}

// RedactedByDefault lists, per source kind, the free-text columns that are
// always redacted: review feedback and incident titles.
var RedactedByDefault = map[string][]string{
	"labels":    {"feedback_text"},
	"incidents": {"title"},
}

// TextColumns lists, per source kind, the fact columns of text type that
// sensitive_fields may name. account_id is left out because tenant
// isolation and file names depend on it.
var TextColumns = map[string][]string{
	"usage": {"event_id", "workflow", "case_id", "user_id", "event_type", "autonomy_level"},
	"labels": {"label_id", "workflow", "case_id", "reviewer_id", "verdict",
		"failure_category", "feedback_text", "incorporated_as"},
	"costs": {"line_id", "provider", "service", "sku", "charge_category",
		"consumed_unit", "currency"},
	"incidents": {"incident_id", "severity", "status", "title", "service",
		"workflow", "postmortem_url"},
}

// builtinPlaceholders are the names the built-in detectors use.
var builtinPlaceholders = []string{"email", "phone", "card", "ip"}

var patternName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// RedactedColumns returns the columns of a source whose text is redacted:
// the kind's defaults and its sensitive_fields.
func (s *Source) RedactedColumns() []string {
	cols := append([]string(nil), RedactedByDefault[s.Kind]...)
	for _, c := range s.SensitiveFields {
		if !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	return cols
}

// AccountAllowed reports whether accounts_allow lets the account's facts
// through. An empty list allows every account.
func (c *Config) AccountAllowed(id string) bool {
	return len(c.AccountsAllow) == 0 || slices.Contains(c.AccountsAllow, id)
}

// HMACKeyEnv returns the environment variable that holds the pseudonym key.
func (p *Pseudonymize) HMACKeyEnv() string {
	if p.KeyEnv == "" {
		return DefaultHMACKeyEnv
	}
	return p.KeyEnv
}

// validatePrivacy compiles the redact patterns and checks the privacy and
// tenant settings.
func (c *Config) validatePrivacy(ck *checker) {
	seen := map[string]bool{}
	for i := range c.RedactPatterns {
		c.RedactPatterns[i].compile(ck, fmt.Sprintf("redact_patterns[%d]", i), seen)
	}
	for i, id := range c.AccountsAllow {
		if !ValidAccountID(id) {
			ck.fail(fmt.Sprintf("accounts_allow[%d]", i), "invalid account id %q: use letters, digits, '.', '_' and '-'", id)
		}
	}
	if k := c.Pseudonymize.KeyEnv; k != "" && !envName.MatchString(k) {
		ck.fail("pseudonymize.key_env", "must be an environment variable name such as %s, got %q", DefaultHMACKeyEnv, k)
	}
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (p *RedactPattern) compile(ck *checker, key string, seen map[string]bool) {
	switch {
	case !patternName.MatchString(p.Name):
		ck.fail(key+".name", "must be lower-case letters, digits and '_', starting with a letter, got %q", p.Name)
	case slices.Contains(builtinPlaceholders, p.Name):
		ck.fail(key+".name", "%q is a built-in placeholder; choose another name", p.Name)
	case seen[p.Name]:
		ck.fail(key+".name", "duplicate pattern name %q", p.Name)
	}
	seen[p.Name] = true
	if p.Pattern == "" {
		ck.fail(key+".pattern", "required")
		return
	}
	re, err := regexp.Compile(p.Pattern)
	if err != nil {
		ck.fail(key+".pattern", "invalid regular expression: %v", err)
		return
	}
	if re.MatchString("") {
		ck.fail(key+".pattern", "matches the empty string, so it would insert placeholders everywhere")
		return
	}
	p.Re = re
}

// validateSensitiveFields checks that each sensitive field is a text
// column of the source's kind.
func (s *Source) validateSensitiveFields(ck *checker, key string) {
	allowed, ok := TextColumns[s.Kind]
	if !ok {
		return
	}
	for i, f := range s.SensitiveFields {
		if !slices.Contains(allowed, f) {
			ck.fail(fmt.Sprintf("%s.sensitive_fields[%d]", key, i), "must be a text column of %s facts (%v), got %q", s.Kind, allowed, f)
		}
	}
}
