package extract

import (
	"context"
	"encoding/json"
	"strings"

	"evidencepack/transforms"
)

// labelStudioFields are the task fields read for each review label column.
// Paths start at the task; the annotation being read is under
// "annotation".
var labelStudioFields = fieldPaths{
	"label_id":        {"annotation.id"},
	"labeled_at":      {"annotation.created_at"},
	"updated_at":      {"annotation.updated_at"},
	"reviewer_id":     {"annotation.completed_by.id", "annotation.completed_by"},
	"account_id":      {"data.account_id"},
	"workflow":        {"data.workflow"},
	"case_id":         {"data.case_id", "id"},
	"incorporated_as": {"data.incorporated_as"},
}

// verdictTypes are the result types whose value can be a verdict, in the
// order they are tried when no result is named verdict.
var verdictTypes = []string{"choices", "pairwise", "rating", "labels", "rectanglelabels"}

// labelStudioReader reads Label Studio JSON exports: a top-level array of
// tasks. One record is one annotation; a task without annotations is one
// record, rejected. A task listed twice gives two labels with the same
// label_id, and de-duplication keeps the one updated last.
//
// The verdict is the result whose from_name is "verdict" (or the source's
// fields.verdict_from), else the first choices, pairwise, rating, labels
// or rectanglelabels result. failure_category is the first choice of the
// result named "failure_category" (fields.failure_category_from), and
// feedback_text the text of the first textarea result (or the one named by
// fields.feedback_from).
type labelStudioReader struct {
	conv *converter
	// paths are the column paths split for tape lookups.
	paths map[string][]labelStudioPath
	// decodeMaps makes every task go through taskFromMap, so tests can
	// compare both paths.
	decodeMaps bool
}

func newLabelStudioReader(conv *converter) *labelStudioReader {
	return &labelStudioReader{conv: conv, paths: compileLabelStudioPaths(withOverrides(labelStudioFields, conv.src.Fields))}
}

// Read streams one Label Studio export.
func (r *labelStudioReader) Read(ctx context.Context, file string, sink transforms.Sink) (int64, error) {
	em := newEmitter(ctx, r.conv, file, sink)
	err := streamJSONFile(em, jsonLayout{}, func(em *emitter) func(jsonRecord) error {
		return func(rec jsonRecord) error { return r.task(em, rec.raw) }
	})
	return em.records, err
}

// taskFromMap reports each annotation of one task decoded into maps.
func (r *labelStudioReader) taskFromMap(em *emitter, raw []byte) error {
	task, err := decodeObject(raw)
	if err != nil {
		return r.rejectTask(em, "invalid JSON task: "+err.Error(), raw)
	}
	annotations, _ := task["annotations"].([]any)
	if len(annotations) == 0 {
		return r.rejectTask(em, "task has no annotations", raw)
	}
	for _, a := range annotations {
		o, err := em.next()
		if err != nil {
			return err
		}
		if err := r.annotation(em, o, task, a); err != nil {
			return err
		}
	}
	return nil
}

func (r *labelStudioReader) rejectTask(em *emitter, reason string, raw []byte) error {
	o, err := em.next()
	if err != nil {
		return err
	}
	return em.rejectRecord(o, reason, raw)
}

func (r *labelStudioReader) annotation(em *emitter, o transforms.Origin, task map[string]any, a any) error {
	ann, ok := a.(map[string]any)
	if !ok {
		raw, _ := json.Marshal(a)
		return em.rejectRecord(o, "annotation is not a JSON object", raw)
	}
	if cancelled, _ := ann["was_cancelled"].(bool); cancelled {
		raw, _ := json.Marshal(ann)
		return em.reject(transforms.Reject{Origin: o, Column: "was_cancelled", Reason: "annotation was cancelled", Raw: string(raw)})
	}
	root := make(map[string]any, len(task)+1)
	for k, v := range task {
		root[k] = v
	}
	root["annotation"] = ann
	fields := &jsonFields{root: root, paths: withOverrides(labelStudioFields, r.conv.src.Fields)}
	r.setResults(fields, ann)
	label, ferr := r.conv.reviewLabel(fields, o)
	return em.outcome(o, label, ferr)
}

// setResults derives the verdict, failure category and feedback text from
// the annotation's results.
func (r *labelStudioReader) setResults(fields *jsonFields, ann map[string]any) {
	overrides := r.conv.src.Fields
	results, _ := ann["result"].([]any)
	verdictFrom := fieldOr(overrides, "verdict_from", "verdict")
	failureFrom := fieldOr(overrides, "failure_category_from", "failure_category")
	feedbackFrom := overrides["feedback_from"]

	verdict := findResult(results, verdictFrom, "")
	if verdict == nil && overrides["verdict_from"] == "" {
		verdict = firstVerdictResult(results, failureFrom, feedbackFrom)
	}
	fields.setComputed(overrides, "verdict", resultText(verdict, "result."+verdictFrom))
	failure := findResult(results, failureFrom, "")
	fields.setComputed(overrides, "failure_category", resultText(failure, "result."+failureFrom))
	feedback := findResult(results, feedbackFrom, "textarea")
	fields.setComputed(overrides, "feedback_text", resultText(feedback, "result.textarea"))
}

func fieldOr(fields map[string]string, key, fallback string) string {
	if v := fields[key]; v != "" {
		return v
	}
	return fallback
}

// findResult returns the first result with the given from_name (any when
// empty) and type (any when empty).
func findResult(results []any, fromName, kind string) map[string]any {
	if fromName == "" && kind == "" {
		return nil
	}
	for _, r := range results {
		res, ok := r.(map[string]any)
		if !ok {
			continue
		}
		from, _ := res["from_name"].(string)
		typ, _ := res["type"].(string)
		if (fromName == "" || from == fromName) && (kind == "" || typ == kind) {
			return res
		}
	}
	return nil
}

// firstVerdictResult returns the first result of a verdict type that is
// not the failure category or feedback result.
func firstVerdictResult(results []any, failureFrom, feedbackFrom string) map[string]any {
	for _, r := range results {
		res, ok := r.(map[string]any)
		if !ok {
			continue
		}
		from, _ := res["from_name"].(string)
		typ, _ := res["type"].(string)
		if from == failureFrom || (feedbackFrom != "" && from == feedbackFrom) {
			continue
		}
		for _, t := range verdictTypes {
			if typ == t {
				return res
			}
		}
	}
	return nil
}

// resultText returns the value of a result as text: the first choice or
// label, the selected side of a pairwise comparison, the rating, or the
// lines of a text area.
func resultText(res map[string]any, name string) fieldValue {
	if res == nil {
		return fieldValue{Name: name}
	}
	if from, _ := res["from_name"].(string); from != "" {
		name = "result." + from
	}
	value, _ := res["value"].(map[string]any)
	typ, _ := res["type"].(string)
	var text string
	switch typ {
	case "pairwise":
		text, _ = jsonText(value["selected"])
	case "rating":
		text, _ = jsonText(value["rating"])
	case "textarea":
		text = joinTexts(value["text"])
	default:
		list, _ := value[typ].([]any)
		if len(list) > 0 {
			text, _ = jsonText(list[0])
		}
	}
	return fieldValue{Text: text, Name: name, Found: text != ""}
}

func joinTexts(v any) string {
	list, ok := v.([]any)
	if !ok {
		text, _ := jsonText(v)
		return text
	}
	lines := make([]string, 0, len(list))
	for _, item := range list {
		if text, _ := jsonText(item); text != "" {
			lines = append(lines, text)
		}
	}
	return strings.Join(lines, "\n")
}
