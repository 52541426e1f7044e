package run

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"evidencepack/config"
	"evidencepack/transforms"
)

// pseudonymColumns are the id columns replaced when pseudonymize.user_ids
// is on.
var pseudonymColumns = []string{"user_id", "reviewer_id"}

// privacyGuard applies tenant isolation, text checks, redaction and
// pseudonyms to the facts of one source, in that order, before they reach
// the collector.
type privacyGuard struct {
	cfg        *config.Config
	redactor   *transforms.Redactor
	redacted   []string
	pseudonyms *transforms.Pseudonymizer // nil leaves ids as they are
	// redactions counts replacements per column and placeholder name.
	redactions map[string]map[string]int64
}

// guardOutcome is the guard's decision on one fact.
type guardOutcome int

const (
	guardKeep guardOutcome = iota
	guardNotAllowed
	guardReject
)

// newPrivacyGuard returns the guard of one source.
func (r *runner) newPrivacyGuard(src config.Source) (*privacyGuard, error) {
	p, err := r.pseudonymizer()
	if err != nil {
		return nil, err
	}
	return &privacyGuard{cfg: r.cfg, redactor: r.redactor(), redacted: src.RedactedColumns(),
		pseudonyms: p, redactions: map[string]map[string]int64{}}, nil
}

// redactor builds the run's redactor once from the configured patterns.
func (r *runner) redactor() *transforms.Redactor {
	if r.redact == nil {
		patterns := make([]transforms.RedactPattern, 0, len(r.cfg.RedactPatterns))
		for _, p := range r.cfg.RedactPatterns {
			patterns = append(patterns, transforms.RedactPattern{Name: p.Name, Re: p.Re})
		}
		r.redact = transforms.NewRedactor(patterns)
	}
	return r.redact
}

// pseudonymizer returns nil when pseudonyms are off, and fails when they
// are on without a usable key. The error names the variable, never the key.
func (r *runner) pseudonymizer() (*transforms.Pseudonymizer, error) {
	if !r.cfg.Pseudonymize.UserIDs {
		return nil, nil
	}
	p, err := transforms.NewPseudonymizer(r.hmacKey)
	if err != nil {
		return nil, fmt.Errorf("%w: pseudonymize.user_ids: key from %s: %w", config.ErrInvalid,
			r.cfg.Pseudonymize.HMACKeyEnv(), err)
	}
	return p, nil
}

// apply checks and rewrites f in place. For guardReject it returns the
// reject to quarantine.
func (g *privacyGuard) apply(f transforms.Fact) (guardOutcome, transforms.Reject) {
	if !g.allowed(f) {
		return guardNotAllowed, transforms.Reject{}
	}
	if rej, bad := checkText(f); bad {
		return guardReject, rej
	}
	account := transforms.AccountOf(f)
	transforms.TextColumns(f, func(column string, v *string) {
		if slices.Contains(g.redacted, column) && *v != "" {
			*v = g.redactor.Redact(*v, func(p string) { g.count(column, p) })
		}
		if g.pseudonyms != nil && slices.Contains(pseudonymColumns, column) {
			*v = g.pseudonyms.Pseudonym(account, *v)
		}
	})
	return guardKeep, transforms.Reject{}
}

// allowed applies accounts_allow. Unattributed cost lines always pass, so
// cost totals still reconcile with the bill.
func (g *privacyGuard) allowed(f transforms.Fact) bool {
	account := transforms.AccountOf(f)
	if f.Table() == transforms.TableCosts && account == transforms.Unattributed {
		return true
	}
	return g.cfg.AccountAllowed(account)
}

func (g *privacyGuard) count(column, placeholder string) {
	if g.redactions[column] == nil {
		g.redactions[column] = map[string]int64{}
	}
	g.redactions[column][placeholder]++
}

// checkText rejects a fact with a text column that is not valid UTF-8 or
// contains a NUL byte, because Parquet strings must be UTF-8 and a NUL cuts
// text short in C-based readers.
func checkText(f transforms.Fact) (transforms.Reject, bool) {
	var rej transforms.Reject
	bad := false
	transforms.TextColumns(f, func(column string, v *string) {
		if bad {
			return
		}
		switch {
		case !utf8.ValidString(*v):
			rej, bad = textReject(f, column, *v, "invalid UTF-8"), true
		case strings.ContainsRune(*v, 0):
			rej, bad = textReject(f, column, *v, "contains a NUL byte"), true
		}
	})
	return rej, bad
}

func textReject(f transforms.Fact, column, value, reason string) transforms.Reject {
	return transforms.Reject{Origin: f.Origin(), Column: column, Reason: reason, Raw: value}
}
