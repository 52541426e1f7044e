package extract

import (
	"strings"

	"evidencepack/transforms"
)

// labelStudioPath is a column path of labelStudioFields split for tape
// lookups. A path that starts with "annotation" is looked up from the
// annotation with its first part removed, and any other from the task.
type labelStudioPath struct {
	path       jsonPath
	annotation bool
}

func compileLabelStudioPaths(paths fieldPaths) map[string][]labelStudioPath {
	out := make(map[string][]labelStudioPath, len(paths))
	for column, compiled := range compilePaths(paths) {
		list := make([]labelStudioPath, len(compiled))
		for k, p := range compiled {
			if p.parts[0] == "annotation" {
				p.parts = p.parts[1:]
				list[k] = labelStudioPath{path: p, annotation: true}
				continue
			}
			list[k] = labelStudioPath{path: p}
		}
		out[column] = list
	}
	return out
}

// labelStudioTapeFields resolves fact columns of one annotation on a
// tape, like jsonFields does on the task map with the annotation stored
// as its member "annotation".
type labelStudioTapeFields struct {
	tape             *jsonTape
	task, annotation int32
	paths            map[string][]labelStudioPath
	derived          []derivedField
}

func (f *labelStudioTapeFields) setComputed(overrides map[string]string, column string, v fieldValue) {
	if _, ok := overrides[column]; ok {
		return
	}
	f.derived = append(f.derived, derivedField{column: column, value: v})
}

func (f *labelStudioTapeFields) field(column string) fieldValue {
	for k := range f.derived {
		if f.derived[k].column == column {
			return f.derived[k].value
		}
	}
	paths := f.paths[column]
	for _, p := range paths {
		root := f.task
		if p.annotation {
			root = f.annotation
		}
		if v := f.tape.lookupText(root, p.path); v.Found {
			return v
		}
	}
	name := column
	if len(paths) > 0 {
		name = paths[0].path.text
	}
	return fieldValue{Name: name}
}

// task reports each annotation of one task, read from a tape. Tasks that
// the tape does not accept go to taskFromMap, which produces the same
// outcome for valid tasks and names the error of invalid ones.
func (r *labelStudioReader) task(em *emitter, raw []byte) error {
	tape := tapePool.Get().(*jsonTape)
	defer tapePool.Put(tape)
	if r.decodeMaps || !tape.parse(raw) {
		return r.taskFromMap(em, raw)
	}
	annotations := tape.member(0, "annotations")
	if annotations < 0 || tape.nodes[annotations].kind != tapeArray || tape.nodes[annotations].n == 0 {
		return r.rejectTask(em, "task has no annotations", raw)
	}
	fields := &labelStudioTapeFields{tape: tape, paths: r.paths}
	k := annotations + 1
	for range tape.nodes[annotations].n {
		ann := k
		k = tape.nodes[k].next
		o, err := em.next()
		if err != nil {
			return err
		}
		if err := r.tapeAnnotation(em, o, fields, ann); err != nil {
			return err
		}
	}
	return nil
}

// tapeAnnotation is annotation for the annotation at node ann.
func (r *labelStudioReader) tapeAnnotation(em *emitter, o transforms.Origin, fields *labelStudioTapeFields, ann int32) error {
	tape := fields.tape
	if tape.nodes[ann].kind != tapeObject {
		tape.out = tape.appendCanonical(tape.out[:0], ann, nil)
		return em.rejectRecord(o, "annotation is not a JSON object", tape.out)
	}
	if cancelled := tape.member(ann, "was_cancelled"); cancelled >= 0 && tape.nodes[cancelled].kind == tapeTrue {
		tape.out = tape.appendCanonical(tape.out[:0], ann, nil)
		return em.reject(transforms.Reject{Origin: o, Column: "was_cancelled", Reason: "annotation was cancelled", Raw: string(tape.out)})
	}
	fields.annotation = ann
	fields.derived = fields.derived[:0]
	r.setTapeResults(fields, ann)
	label, ferr := r.conv.reviewLabel(fields, o)
	return em.outcome(o, label, ferr)
}

// setTapeResults is setResults for the annotation at node ann.
func (r *labelStudioReader) setTapeResults(fields *labelStudioTapeFields, ann int32) {
	tape := fields.tape
	overrides := r.conv.src.Fields
	results := tape.member(ann, "result")
	if results >= 0 && tape.nodes[results].kind != tapeArray {
		results = -1
	}
	verdictFrom := fieldOr(overrides, "verdict_from", "verdict")
	failureFrom := fieldOr(overrides, "failure_category_from", "failure_category")
	feedbackFrom := overrides["feedback_from"]

	verdict := tape.findResult(results, verdictFrom, "")
	if verdict < 0 && overrides["verdict_from"] == "" {
		verdict = tape.firstVerdictResult(results, failureFrom, feedbackFrom)
	}
	fields.setComputed(overrides, "verdict", tape.resultText(verdict, "result."+verdictFrom))
	failure := tape.findResult(results, failureFrom, "")
	fields.setComputed(overrides, "failure_category", tape.resultText(failure, "result."+failureFrom))
	feedback := tape.findResult(results, feedbackFrom, "textarea")
	fields.setComputed(overrides, "feedback_text", tape.resultText(feedback, "result.textarea"))
}

// stringMember returns the text of member key of object node i when it is
// a string, and "" otherwise, as a type assertion to string does.
func (t *jsonTape) stringMember(i int32, key string) string {
	v := t.member(i, key)
	if v < 0 || t.nodes[v].kind != tapeString {
		return ""
	}
	return string(t.textOf(v))
}

// findResult is findResult for the results array at node results (none
// when -1). It returns a node or -1.
func (t *jsonTape) findResult(results int32, fromName, kind string) int32 {
	if results < 0 || (fromName == "" && kind == "") {
		return -1
	}
	k := results + 1
	for range t.nodes[results].n {
		res := k
		k = t.nodes[k].next
		if t.nodes[res].kind != tapeObject {
			continue
		}
		from := t.stringMember(res, "from_name")
		typ := t.stringMember(res, "type")
		if (fromName == "" || from == fromName) && (kind == "" || typ == kind) {
			return res
		}
	}
	return -1
}

// firstVerdictResult is firstVerdictResult for the results array at node
// results (none when -1). It returns a node or -1.
func (t *jsonTape) firstVerdictResult(results int32, failureFrom, feedbackFrom string) int32 {
	if results < 0 {
		return -1
	}
	k := results + 1
	for range t.nodes[results].n {
		res := k
		k = t.nodes[k].next
		if t.nodes[res].kind != tapeObject {
			continue
		}
		from := t.stringMember(res, "from_name")
		if from == failureFrom || (feedbackFrom != "" && from == feedbackFrom) {
			continue
		}
		typ := t.stringMember(res, "type")
		for _, v := range verdictTypes {
			if typ == v {
				return res
			}
		}
	}
	return -1
}

// resultText is resultText for the result at node res (none when -1).
func (t *jsonTape) resultText(res int32, name string) fieldValue {
	if res < 0 {
		return fieldValue{Name: name}
	}
	if from := t.stringMember(res, "from_name"); from != "" {
		name = "result." + from
	}
	value := t.member(res, "value")
	if value >= 0 && t.nodes[value].kind != tapeObject {
		value = -1
	}
	typ := t.stringMember(res, "type")
	var text string
	switch typ {
	case "pairwise":
		text = t.memberText(value, "selected")
	case "rating":
		text = t.memberText(value, "rating")
	case "textarea":
		text = t.joinTexts(value)
	default:
		if value >= 0 {
			if list := t.member(value, typ); list >= 0 && t.nodes[list].kind == tapeArray && t.nodes[list].n > 0 {
				text, _ = t.jsonText(list + 1)
			}
		}
	}
	return fieldValue{Text: text, Name: name, Found: text != ""}
}

// memberText returns jsonText of member key of object node obj, or ""
// when obj is -1 or has no such member.
func (t *jsonTape) memberText(obj int32, key string) string {
	if obj < 0 {
		return ""
	}
	v := t.member(obj, key)
	if v < 0 {
		return ""
	}
	text, _ := t.jsonText(v)
	return text
}

// joinTexts is joinTexts for member "text" of the value object at node
// value (none when -1).
func (t *jsonTape) joinTexts(value int32) string {
	if value < 0 {
		return ""
	}
	v := t.member(value, "text")
	if v < 0 {
		return ""
	}
	if t.nodes[v].kind != tapeArray {
		text, _ := t.jsonText(v)
		return text
	}
	lines := make([]string, 0, t.nodes[v].n)
	k := v + 1
	for range t.nodes[v].n {
		if text, _ := t.jsonText(k); text != "" {
			lines = append(lines, text)
		}
		k = t.nodes[k].next
	}
	return strings.Join(lines, "\n")
}
