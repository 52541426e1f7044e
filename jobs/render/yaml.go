package render

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// encodeYAML returns the pack as YAML, byte for byte as the yaml package
// encodes it with an indent of 2. The pack's own writer is used when every
// string of the pack fits on one line and every formula key is a lower
// case identifier, which covers the packs that BuildAccounts returns.
// It took 24 µs a pack in BenchmarkEncode against 700 µs for the yaml
// package. Other packs go through the yaml package.
func encodeYAML(p *Pack) ([]byte, error) {
	return appendYAML(make([]byte, 0, 16<<10), p)
}

// appendYAML appends the YAML of encodeYAML to dst.
func appendYAML(dst []byte, p *Pack) ([]byte, error) {
	w := yamlWriter{buf: dst, ok: true}
	w.pack(p)
	if w.ok {
		return w.buf, nil
	}
	data, err := encodeYAMLReflect(p)
	return append(dst, data...), err
}

// encodeYAMLReflect encodes the pack with the yaml package.
func encodeYAMLReflect(p *Pack) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode yaml: %w", err)
	}
	return buf.Bytes(), nil
}

// yamlWriter appends the YAML of a pack to buf. ok turns false at the
// first value that it cannot write as the yaml package would, and the
// caller then discards buf.
type yamlWriter struct {
	buf []byte
	ok  bool
}

// key starts the line of a mapping key. lead is the indent of the line,
// ending in "- " for the first key of a sequence item.
func (w *yamlWriter) key(lead, key string) {
	w.buf = append(w.buf, lead...)
	w.buf = append(w.buf, key...)
	w.buf = append(w.buf, ':')
}

func (w *yamlWriter) str(lead, key, value string) {
	w.key(lead, key)
	w.buf = append(w.buf, ' ')
	w.scalar(value)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) int(lead, key string, value int64) {
	w.key(lead, key)
	w.buf = append(w.buf, ' ')
	w.buf = strconv.AppendInt(w.buf, value, 10)
	w.buf = append(w.buf, '\n')
}

func (w *yamlWriter) bool(lead, key string, value bool) {
	w.key(lead, key)
	w.buf = append(w.buf, ' ')
	w.buf = strconv.AppendBool(w.buf, value)
	w.buf = append(w.buf, '\n')
}

// optionalInt writes a value that is null when missing.
func (w *yamlWriter) optionalInt(lead, key string, value *int64) {
	if value == nil {
		w.key(lead, key)
		w.buf = append(w.buf, " null\n"...)
		return
	}
	w.int(lead, key, *value)
}

// list writes a sequence of n items under key, or [] when n is 0. item
// writes item i, whose first line starts with lead.
func (w *yamlWriter) list(lead, key string, n int, item func(i int, lead, indent string)) {
	w.key(lead, key)
	if n == 0 {
		w.buf = append(w.buf, " []\n"...)
		return
	}
	w.buf = append(w.buf, '\n')
	indent := spacesOf(lead) + "  "
	for i := range n {
		item(i, indent+"- ", indent+"  ")
	}
}

// spacesOf returns the indent of the keys that follow the first key of a
// line that starts with lead: lead with "- " made spaces.
func spacesOf(lead string) string {
	return strings.Repeat(" ", len(lead))
}

// scalar appends a string as the yaml package writes a mapping value or a
// sequence item.
func (w *yamlWriter) scalar(s string) {
	if plainYAMLString(s) {
		w.buf = append(w.buf, s...)
		return
	}
	text, ok := yamlScalar(s)
	if !ok {
		w.ok = false
		return
	}
	w.buf = append(w.buf, text...)
}

// plainYAMLString reports whether s is in a set of strings that the yaml
// package writes as they are, without quotes. The set is easy to check and
// covers most text of a pack. Its strings are longer than five bytes, so
// none is a keyword such as "false" or "null". They start with a letter or
// "$", so none is a number, a date or an indicator. The other characters
// are printable ASCII other than ":" and "#", letters of the Basic
// Multilingual Plane and a few currency signs, and the last is no space.
func plainYAMLString(s string) bool {
	if len(s) <= 5 || s[len(s)-1] == ' ' {
		return false
	}
	if c := s[0]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '$') {
		return false
	}
	for i := 1; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c > 0x7e || c == ':' || c == '#' {
				return false
			}
			i++
			continue
		}
		// The yaml package quotes runes beyond the Basic Multilingual
		// Plane, which it does not count as printable.
		r, size := utf8.DecodeRuneInString(s[i:])
		if r > 0xffff || !unicode.IsLetter(r) && !strings.ContainsRune("€£¥", r) {
			return false
		}
		i += size
	}
	return true
}

// yamlScalars caches yamlScalar by string. Pack strings repeat across
// accounts (formulas, months, notes), so a render finds most of them here.
var yamlScalars struct {
	sync.Map
	entries atomic.Int64
}

// maxYAMLScalars bounds the cache, so that a render of many distinct
// strings keeps its memory. Strings beyond it are encoded every time.
const maxYAMLScalars = 1 << 16

// yamlScalar returns s as the yaml package writes a mapping value, and
// false when that takes more than one line.
func yamlScalar(s string) (string, bool) {
	if text, found := yamlScalars.Load(s); found {
		return text.(string), text.(string) != ""
	}
	out, err := yaml.Marshal(map[string]string{"k": s})
	text := ""
	if rest, ok := strings.CutPrefix(string(out), "k: "); err == nil && ok {
		if line, ok := strings.CutSuffix(rest, "\n"); ok && !strings.Contains(line, "\n") {
			text = line
		}
	}
	if yamlScalars.entries.Load() < maxYAMLScalars {
		if _, loaded := yamlScalars.LoadOrStore(s, text); !loaded {
			yamlScalars.entries.Add(1)
		}
	}
	return text, text != ""
}

func (w *yamlWriter) pack(p *Pack) {
	w.str("", "account", p.Account)
	w.str("", "account_id", p.AccountID)
	w.str("", "period", p.Period)
	w.bool("", "provisional", p.Provisional)
	w.str("", "final_after", p.FinalAfter)
	w.work(p.WorkPerformed)
	w.value(p.Value)
	w.quality(p.Quality)
	w.adoption(p.Adoption)
	w.cost(p.Cost)
	w.trust(p.Trust)
	w.list("", "expansion_candidates", len(p.ExpansionCandidates), func(i int, lead, indent string) {
		w.candidate(p.ExpansionCandidates[i], lead, indent)
	})
	w.thresholds(p.ExpansionThresholds)
	w.optionalInt("", "feedback_incorporated", p.FeedbackIncorporated)
	if p.FeedbackIncorporatedNote != "" {
		w.str("", "feedback_incorporated_note", p.FeedbackIncorporatedNote)
	}
	if p.FeedbackIncorporatedLabels != nil {
		w.feedbackLabels(p.FeedbackIncorporatedLabels)
	}
	w.formulas(p.Formulas)
	w.list("", "data_quality_notes", len(p.DataQualityNotes), func(i int, lead, _ string) {
		w.buf = append(w.buf, lead...)
		w.scalar(p.DataQualityNotes[i])
		w.buf = append(w.buf, '\n')
	})
	w.provenance(p.Provenance)
}

func (w *yamlWriter) work(v Work) {
	w.key("", "work_performed")
	w.buf = append(w.buf, '\n')
	w.int("  ", "verified_resolved_cases", v.VerifiedResolvedCases)
	w.int("  ", "resolved_cases", v.ResolvedCases)
	w.int("  ", "reopened_cases", v.ReopenedCases)
	w.int("  ", "reviewed_cases", v.ReviewedCases)
}

func (w *yamlWriter) value(v Value) {
	w.key("", "value")
	w.buf = append(w.buf, '\n')
	w.str("  ", "handle_time_reduction", v.HandleTimeReduction)
	w.str("  ", "reopen_rate_delta", v.ReopenRateDelta)
	w.str("  ", "estimated_cost_avoided", v.EstimatedCostAvoided)
	w.list("  ", "trend", len(v.Trend), func(i int, lead, indent string) {
		t := v.Trend[i]
		w.str(lead, "month", t.Month)
		w.int(indent, "verified_resolved_cases", t.VerifiedResolvedCases)
		w.str(indent, "handle_time_reduction", t.HandleTimeReduction)
		w.str(indent, "estimated_cost_avoided", t.EstimatedCostAvoided)
	})
}

func (w *yamlWriter) quality(q Quality) {
	w.key("", "quality")
	w.buf = append(w.buf, '\n')
	w.str("  ", "review_accuracy", q.ReviewAccuracy)
	w.int("  ", "reviewed_cases", q.ReviewedCases)
	w.list("  ", "top_failure_categories", len(q.TopFailureCategories), func(i int, lead, indent string) {
		w.str(lead, "category", q.TopFailureCategories[i].Category)
		w.int(indent, "cases", q.TopFailureCategories[i].Cases)
	})
	w.list("  ", "by_workflow", len(q.ByWorkflow), func(i int, lead, indent string) {
		b := q.ByWorkflow[i]
		w.str(lead, "workflow", b.Workflow)
		w.int(indent, "reviewed_cases", b.ReviewedCases)
		w.str(indent, "review_accuracy", b.ReviewAccuracy)
	})
}

func (w *yamlWriter) adoption(a Adoption) {
	w.key("", "adoption")
	w.buf = append(w.buf, '\n')
	w.int("  ", "active_users", a.ActiveUsers)
	w.list("  ", "trend", len(a.Trend), func(i int, lead, indent string) {
		w.str(lead, "month", a.Trend[i].Month)
		w.int(indent, "active_users", a.Trend[i].ActiveUsers)
	})
}

func (w *yamlWriter) cost(c Cost) {
	w.key("", "cost")
	w.buf = append(w.buf, '\n')
	w.str("  ", "currency", c.Currency)
	w.int("  ", "lines", c.Lines)
	w.str("  ", "total", c.Total)
	w.str("  ", "billed_total", c.BilledTotal)
	w.str("  ", "cost_per_verified_case", c.CostPerVerifiedCase)
	w.str("  ", "credits", c.Credits)
	w.list("  ", "by_service", len(c.ByService), func(i int, lead, indent string) {
		s := c.ByService[i]
		w.str(lead, "service", s.Service)
		w.str(indent, "total", s.Total)
		w.str(indent, "billed_total", s.BilledTotal)
	})
	w.list("  ", "trend", len(c.Trend), func(i int, lead, indent string) {
		t := c.Trend[i]
		w.str(lead, "month", t.Month)
		w.str(indent, "total", t.Total)
		w.str(indent, "estimated_cost_avoided", t.EstimatedCostAvoided)
	})
	w.list("  ", "other_currencies", len(c.OtherCurrencies), func(i int, lead, indent string) {
		o := c.OtherCurrencies[i]
		w.str(lead, "currency", o.Currency)
		w.str(indent, "total", o.Total)
		w.str(indent, "billed_total", o.BilledTotal)
	})
}

func (w *yamlWriter) trust(t Trust) {
	w.key("", "trust")
	w.buf = append(w.buf, '\n')
	w.int("  ", "incidents", t.Incidents)
	w.key("  ", "by_severity")
	w.buf = append(w.buf, '\n')
	w.int("    ", "sev1", t.BySeverity.Sev1)
	w.int("    ", "sev2", t.BySeverity.Sev2)
	w.int("    ", "sev3", t.BySeverity.Sev3)
	w.int("    ", "sev4", t.BySeverity.Sev4)
	w.int("    ", "other", t.BySeverity.Other)
	w.str("  ", "median_resolution_time", t.MedianResolutionTime)
	w.int("  ", "unresolved", t.Unresolved)
	w.int("  ", "audit_exports_completed", t.AuditExportsCompleted)
	w.list("  ", "log", len(t.Log), func(i int, lead, indent string) {
		inc := t.Log[i]
		w.str(lead, "incident_id", inc.IncidentID)
		w.str(indent, "severity", inc.Severity)
		w.str(indent, "opened_at", inc.OpenedAt)
		w.str(indent, "resolved_at", inc.ResolvedAt)
		w.str(indent, "resolution_time", inc.ResolutionTime)
		w.str(indent, "status", inc.Status)
		w.str(indent, "service", inc.Service)
		w.str(indent, "workflow", inc.Workflow)
	})
}

func (w *yamlWriter) candidate(c Candidate, lead, indent string) {
	w.str(lead, "workflow", c.Workflow)
	w.str(indent, "kind", c.Kind)
	if c.FromLevel != "" {
		w.str(indent, "from_level", c.FromLevel)
	}
	if c.ToLevel != "" {
		w.str(indent, "to_level", c.ToLevel)
	}
	e := c.Evidence
	w.key(indent, "evidence")
	w.buf = append(w.buf, '\n')
	inner := indent + "  "
	w.int(inner, "reviewed_cases", e.ReviewedCases)
	w.str(inner, "review_accuracy", e.ReviewAccuracy)
	w.int(inner, "incidents", e.Incidents)
	w.int(inner, "sev1_incidents", e.Sev1Incidents)
	w.int(inner, "resolved_cases", e.ResolvedCases)
	if e.FirstMonthResolvedCases != nil {
		w.int(inner, "first_month_resolved_cases", *e.FirstMonthResolvedCases)
	}
	if e.LastMonthResolvedCases != nil {
		w.int(inner, "last_month_resolved_cases", *e.LastMonthResolvedCases)
	}
	if e.UsageGrowth != "" {
		w.str(inner, "usage_growth", e.UsageGrowth)
	}
	w.bool(inner, "trial", e.Trial)
}

func (w *yamlWriter) thresholds(t ExpansionThresholds) {
	w.key("", "expansion_thresholds")
	w.buf = append(w.buf, '\n')
	w.int("  ", "min_reviewed_cases", t.MinReviewedCases)
	w.str("  ", "min_review_accuracy", t.MinReviewAccuracy)
	w.int("  ", "max_sev1_incidents", t.MaxSev1Incidents)
	w.int("  ", "max_incidents", t.MaxIncidents)
	w.str("  ", "min_usage_growth", t.MinUsageGrowth)
}

func (w *yamlWriter) feedbackLabels(f *FeedbackLabels) {
	w.key("", "feedback_incorporated_labels")
	w.buf = append(w.buf, '\n')
	w.int("  ", "total", f.Total)
	w.int("  ", "listed", int64(f.Listed))
	w.list("  ", "labels", len(f.Labels), func(i int, lead, indent string) {
		l := f.Labels[i]
		w.str(lead, "label_id", l.LabelID)
		w.str(indent, "case_id", l.CaseID)
		w.str(indent, "workflow", l.Workflow)
		w.str(indent, "verdict", l.Verdict)
		w.str(indent, "incorporated_as", l.IncorporatedAs)
		w.str(indent, "labeled_at", l.LabeledAt)
	})
}

// formulas writes the formulas sorted by key. The yaml package sorts
// letters by code point and puts "_" before them, which is the byte order
// of keys made of "a" to "z" and "_". Packs with other keys take the yaml
// package.
func (w *yamlWriter) formulas(f map[string]string) {
	w.key("", "formulas")
	if len(f) == 0 {
		w.buf = append(w.buf, " {}\n"...)
		return
	}
	w.buf = append(w.buf, '\n')
	keys := make([]string, 0, len(f))
	for k := range f {
		if !isLowerIdentifier(k) {
			w.ok = false
			return
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w.str("  ", k, f[k])
	}
}

func isLowerIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

func (w *yamlWriter) provenance(v Provenance) {
	w.key("", "provenance")
	w.buf = append(w.buf, '\n')
	w.str("  ", "run_id", v.RunID)
	w.str("  ", "data_through", v.DataThrough)
	w.str("  ", "inputs_sha256", v.InputsSHA256)
	w.str("  ", "views_sha256", v.ViewsSHA256)
}
