package render

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"evidencepack/transforms/jsonquote"
)

// encodeJSON returns the pack as indented JSON and a final newline, byte
// for byte as json.MarshalIndent with an indent of two spaces writes it.
// The pack's own writer took a third to a half of the time of
// encoding/json in benchmarks on one synthetic pack.
func encodeJSON(p *Pack) []byte {
	return appendJSON(make([]byte, 0, 16<<10), p)
}

// appendJSON appends the JSON of encodeJSON to dst.
func appendJSON(dst []byte, p *Pack) []byte {
	w := jsonWriter{buf: dst}
	w.pack(p)
	return append(w.buf, '\n')
}

// encodeJSONReflect encodes the pack with encoding/json.
func encodeJSONReflect(p *Pack) ([]byte, error) {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return append(data, '\n'), nil
}

// jsonWriter appends indented JSON to buf. Objects and arrays track
// whether a member was written, to place commas and line breaks as
// json.Indent does.
type jsonWriter struct {
	buf    []byte
	indent int
	// first is true right after an opening brace or bracket.
	first bool
}

// open starts an object or array, and close ends it. An empty one is
// written as {} or [] on one line.
func (w *jsonWriter) open(c byte) {
	w.buf = append(w.buf, c)
	w.indent++
	w.first = true
}

func (w *jsonWriter) close(c byte) {
	w.indent--
	if !w.first {
		w.newline()
	}
	w.first = false
	w.buf = append(w.buf, c)
}

func (w *jsonWriter) newline() {
	w.buf = append(w.buf, '\n')
	for range w.indent {
		w.buf = append(w.buf, ' ', ' ')
	}
}

// next starts a member or element on its own line.
func (w *jsonWriter) next() {
	if !w.first {
		w.buf = append(w.buf, ',')
	}
	w.first = false
	w.newline()
}

// key starts an object member.
func (w *jsonWriter) key(k string) {
	w.next()
	w.buf = jsonquote.Append(w.buf, k)
	w.buf = append(w.buf, ':', ' ')
}

func (w *jsonWriter) str(k, v string) {
	w.key(k)
	w.buf = jsonquote.Append(w.buf, v)
}

func (w *jsonWriter) int(k string, v int64) {
	w.key(k)
	w.buf = strconv.AppendInt(w.buf, v, 10)
}

func (w *jsonWriter) bool(k string, v bool) {
	w.key(k)
	w.buf = strconv.AppendBool(w.buf, v)
}

// object writes the member k with the fields that members writes.
func (w *jsonWriter) object(k string, members func()) {
	w.key(k)
	w.open('{')
	members()
	w.close('}')
}

// array writes the member k: null for a nil slice, as encoding/json
// writes one, and otherwise the n elements that element writes.
func (w *jsonWriter) array(k string, isNil bool, n int, element func(i int)) {
	w.key(k)
	if isNil {
		w.buf = append(w.buf, "null"...)
		return
	}
	w.open('[')
	for i := range n {
		w.next()
		element(i)
	}
	w.close(']')
}

// element writes an array element that is an object.
func (w *jsonWriter) element(members func()) {
	w.open('{')
	members()
	w.close('}')
}

func (w *jsonWriter) pack(p *Pack) {
	w.open('{')
	w.str("account", p.Account)
	w.str("account_id", p.AccountID)
	w.str("period", p.Period)
	w.bool("provisional", p.Provisional)
	w.str("final_after", p.FinalAfter)
	w.object("work_performed", func() {
		v := p.WorkPerformed
		w.int("verified_resolved_cases", v.VerifiedResolvedCases)
		w.int("resolved_cases", v.ResolvedCases)
		w.int("reopened_cases", v.ReopenedCases)
		w.int("reviewed_cases", v.ReviewedCases)
	})
	w.value(p.Value)
	w.quality(p.Quality)
	w.adoption(p.Adoption)
	w.cost(p.Cost)
	w.trust(p.Trust)
	w.array("expansion_candidates", p.ExpansionCandidates == nil, len(p.ExpansionCandidates), func(i int) {
		w.candidate(p.ExpansionCandidates[i])
	})
	w.object("expansion_thresholds", func() {
		t := p.ExpansionThresholds
		w.int("min_reviewed_cases", t.MinReviewedCases)
		w.str("min_review_accuracy", t.MinReviewAccuracy)
		w.int("max_sev1_incidents", t.MaxSev1Incidents)
		w.int("max_incidents", t.MaxIncidents)
		w.str("min_usage_growth", t.MinUsageGrowth)
	})
	w.key("feedback_incorporated")
	if p.FeedbackIncorporated == nil {
		w.buf = append(w.buf, "null"...)
	} else {
		w.buf = strconv.AppendInt(w.buf, *p.FeedbackIncorporated, 10)
	}
	if p.FeedbackIncorporatedNote != "" {
		w.str("feedback_incorporated_note", p.FeedbackIncorporatedNote)
	}
	if p.FeedbackIncorporatedLabels != nil {
		w.feedbackLabels(p.FeedbackIncorporatedLabels)
	}
	w.formulas(p.Formulas)
	w.array("data_quality_notes", p.DataQualityNotes == nil, len(p.DataQualityNotes), func(i int) {
		w.buf = jsonquote.Append(w.buf, p.DataQualityNotes[i])
	})
	w.object("provenance", func() {
		v := p.Provenance
		w.str("run_id", v.RunID)
		w.str("data_through", v.DataThrough)
		w.str("inputs_sha256", v.InputsSHA256)
		w.str("views_sha256", v.ViewsSHA256)
	})
	w.close('}')
}

func (w *jsonWriter) value(v Value) {
	w.object("value", func() {
		w.str("handle_time_reduction", v.HandleTimeReduction)
		w.str("reopen_rate_delta", v.ReopenRateDelta)
		w.str("estimated_cost_avoided", v.EstimatedCostAvoided)
		w.array("trend", v.Trend == nil, len(v.Trend), func(i int) {
			w.element(func() {
				t := v.Trend[i]
				w.str("month", t.Month)
				w.int("verified_resolved_cases", t.VerifiedResolvedCases)
				w.str("handle_time_reduction", t.HandleTimeReduction)
				w.str("estimated_cost_avoided", t.EstimatedCostAvoided)
			})
		})
	})
}

func (w *jsonWriter) quality(q Quality) {
	w.object("quality", func() {
		w.str("review_accuracy", q.ReviewAccuracy)
		w.int("reviewed_cases", q.ReviewedCases)
		w.array("top_failure_categories", q.TopFailureCategories == nil, len(q.TopFailureCategories), func(i int) {
			w.element(func() {
				w.str("category", q.TopFailureCategories[i].Category)
				w.int("cases", q.TopFailureCategories[i].Cases)
			})
		})
		w.array("by_workflow", q.ByWorkflow == nil, len(q.ByWorkflow), func(i int) {
			w.element(func() {
				b := q.ByWorkflow[i]
				w.str("workflow", b.Workflow)
				w.int("reviewed_cases", b.ReviewedCases)
				w.str("review_accuracy", b.ReviewAccuracy)
			})
		})
	})
}

func (w *jsonWriter) adoption(a Adoption) {
	w.object("adoption", func() {
		w.int("active_users", a.ActiveUsers)
		w.array("trend", a.Trend == nil, len(a.Trend), func(i int) {
			w.element(func() {
				w.str("month", a.Trend[i].Month)
				w.int("active_users", a.Trend[i].ActiveUsers)
			})
		})
	})
}

func (w *jsonWriter) cost(c Cost) {
	w.object("cost", func() {
		w.str("currency", c.Currency)
		w.int("lines", c.Lines)
		w.str("total", c.Total)
		w.str("billed_total", c.BilledTotal)
		w.str("cost_per_verified_case", c.CostPerVerifiedCase)
		w.str("credits", c.Credits)
		w.array("by_service", c.ByService == nil, len(c.ByService), func(i int) {
			w.element(func() {
				s := c.ByService[i]
				w.str("service", s.Service)
				w.str("total", s.Total)
				w.str("billed_total", s.BilledTotal)
			})
		})
		w.array("trend", c.Trend == nil, len(c.Trend), func(i int) {
			w.element(func() {
				t := c.Trend[i]
				w.str("month", t.Month)
				w.str("total", t.Total)
				w.str("estimated_cost_avoided", t.EstimatedCostAvoided)
			})
		})
		w.array("other_currencies", c.OtherCurrencies == nil, len(c.OtherCurrencies), func(i int) {
			w.element(func() {
				o := c.OtherCurrencies[i]
				w.str("currency", o.Currency)
				w.str("total", o.Total)
				w.str("billed_total", o.BilledTotal)
			})
		})
	})
}

func (w *jsonWriter) trust(t Trust) {
	w.object("trust", func() {
		w.int("incidents", t.Incidents)
		w.object("by_severity", func() {
			s := t.BySeverity
			w.int("sev1", s.Sev1)
			w.int("sev2", s.Sev2)
			w.int("sev3", s.Sev3)
			w.int("sev4", s.Sev4)
			w.int("other", s.Other)
		})
		w.str("median_resolution_time", t.MedianResolutionTime)
		w.int("unresolved", t.Unresolved)
		w.int("audit_exports_completed", t.AuditExportsCompleted)
		w.array("log", t.Log == nil, len(t.Log), func(i int) {
			w.element(func() {
				inc := t.Log[i]
				w.str("incident_id", inc.IncidentID)
				w.str("severity", inc.Severity)
				w.str("opened_at", inc.OpenedAt)
				w.str("resolved_at", inc.ResolvedAt)
				w.str("resolution_time", inc.ResolutionTime)
				w.str("status", inc.Status)
				w.str("service", inc.Service)
				w.str("workflow", inc.Workflow)
			})
		})
	})
}

func (w *jsonWriter) candidate(c Candidate) {
	w.element(func() {
		w.str("workflow", c.Workflow)
		w.str("kind", c.Kind)
		if c.FromLevel != "" {
			w.str("from_level", c.FromLevel)
		}
		if c.ToLevel != "" {
			w.str("to_level", c.ToLevel)
		}
		w.object("evidence", func() {
			e := c.Evidence
			w.int("reviewed_cases", e.ReviewedCases)
			w.str("review_accuracy", e.ReviewAccuracy)
			w.int("incidents", e.Incidents)
			w.int("sev1_incidents", e.Sev1Incidents)
			w.int("resolved_cases", e.ResolvedCases)
			if e.FirstMonthResolvedCases != nil {
				w.int("first_month_resolved_cases", *e.FirstMonthResolvedCases)
			}
			if e.LastMonthResolvedCases != nil {
				w.int("last_month_resolved_cases", *e.LastMonthResolvedCases)
			}
			if e.UsageGrowth != "" {
				w.str("usage_growth", e.UsageGrowth)
			}
			w.bool("trial", e.Trial)
		})
	})
}

func (w *jsonWriter) feedbackLabels(f *FeedbackLabels) {
	w.object("feedback_incorporated_labels", func() {
		w.int("total", f.Total)
		w.int("listed", int64(f.Listed))
		w.array("labels", f.Labels == nil, len(f.Labels), func(i int) {
			w.element(func() {
				l := f.Labels[i]
				w.str("label_id", l.LabelID)
				w.str("case_id", l.CaseID)
				w.str("workflow", l.Workflow)
				w.str("verdict", l.Verdict)
				w.str("incorporated_as", l.IncorporatedAs)
				w.str("labeled_at", l.LabeledAt)
			})
		})
	})
}

// formulas writes the formulas sorted by key, as encoding/json sorts the
// keys of a map of strings.
func (w *jsonWriter) formulas(f map[string]string) {
	w.key("formulas")
	if f == nil {
		w.buf = append(w.buf, "null"...)
		return
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w.open('{')
	for _, k := range keys {
		w.str(k, f[k])
	}
	w.close('}')
}
