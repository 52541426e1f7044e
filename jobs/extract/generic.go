package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"evidencepack/transforms"
)

// kindColumns are the fact columns each kind reads. A generic source maps
// each column to the input field of the same name unless its fields
// setting names another.
var kindColumns = map[string][]string{
	KindUsage: {"event_id", "occurred_at", "account_id", "workflow", "case_id",
		"user_id", "event_type", "autonomy_level", "handle_time_seconds"},
	KindLabels: {"label_id", "labeled_at", "updated_at", "account_id", "workflow",
		"case_id", "reviewer_id", "verdict", "failure_category", "feedback_text", "incorporated_as"},
	KindCosts: {"line_id", "charge_period_start", "charge_period_end", "account_id",
		"provider", "service", "sku", "charge_category", "consumed_quantity", "consumed_unit",
		"billed_cost", "effective_cost", "currency", "tags", "sub_account_id",
		"commitment_discount_id"},
	KindIncidents: {"incident_id", "account_id", "severity", "opened_at", "acknowledged_at",
		"resolved_at", "updated_at", "status", "title", "service", "workflow", "postmortem_url"},
}

// genericReader reads plain CSV or JSON Lines files whose fields map to
// the fact columns of the source's kind. Cost lines without a line_id
// field get the hash of their source name and raw record as id.
type genericReader struct {
	conv      *converter
	paths     fieldPaths
	delimiter rune
	nullText  map[string]bool
	jsonl     bool
	compiled  map[string][]jsonPath // paths split for jsonTape lookups
	// decodeMaps makes every JSON record go through jsonRecordFromMap, so
	// tests can compare both paths.
	decodeMaps bool
}

func newGenericReader(conv *converter) (*genericReader, error) {
	columns, ok := kindColumns[conv.src.Kind]
	if !ok {
		return nil, fmt.Errorf("source %s: unknown kind %q (expected usage, labels, costs or incidents)", conv.src.Name, conv.src.Kind)
	}
	defaults := make(fieldPaths, len(columns))
	for _, c := range columns {
		defaults[c] = []string{c}
	}
	r := &genericReader{conv: conv, paths: withOverrides(defaults, conv.src.Fields), nullText: map[string]bool{}}
	r.compiled = compilePaths(r.paths)
	for _, v := range conv.src.CSV.NullValues {
		r.nullText[v] = true
	}
	return r, nil
}

func newGenericCSVReader(conv *converter) (Reader, error) {
	r, err := newGenericReader(conv)
	if err != nil {
		return nil, err
	}
	if r.delimiter, err = csvDelimiter(conv.src.Name, conv.src.CSV.Delimiter); err != nil {
		return nil, err
	}
	return r, nil
}

func newGenericJSONLReader(conv *converter) (Reader, error) {
	r, err := newGenericReader(conv)
	if err != nil {
		return nil, err
	}
	r.jsonl = true
	return r, nil
}

// Read streams one CSV or JSON Lines file.
func (r *genericReader) Read(ctx context.Context, file string, sink transforms.Sink) (int64, error) {
	em := newEmitter(ctx, r.conv, file, sink)
	var err error
	if r.jsonl {
		err = streamJSONFile(em, jsonLayout{}, func(em *emitter) func(jsonRecord) error {
			return func(rec jsonRecord) error { return r.jsonRecord(em, rec.raw) }
		})
	} else {
		err = streamCSV(em, r.delimiter, r.paths, r.checkHeader, func(em *emitter) csvRowFunc {
			return func(o transforms.Origin, h *csvHeader, row []string) error {
				fields := &rowFields{columns: h.columns, values: row, nullText: r.nullText}
				return r.emit(em, o, fields, func() string { return rowHash(r.conv.src.Name, h.names, row, nil) })
			}
		})
	}
	return em.records, err
}

// checkHeader fails when a column that the source's fields setting names
// is not in the header, so that a misspelt mapping stops the file instead
// of rejecting every row.
func (r *genericReader) checkHeader(h *csvHeader) error {
	for column, name := range r.conv.src.Fields {
		if _, ok := h.index[name]; !ok {
			return fmt.Errorf("header has no column %q, which fields.%s names", name, column)
		}
	}
	return nil
}

func (r *genericReader) jsonRecord(em *emitter, raw []byte) error {
	o, err := em.next()
	if err != nil {
		return err
	}
	tape := tapePool.Get().(*jsonTape)
	defer tapePool.Put(tape)
	if r.decodeMaps || !tape.parse(raw) {
		return r.jsonRecordFromMap(em, o, raw)
	}
	fields := &tape.fields
	*fields = tapeFields{tape: tape, paths: r.compiled}
	return r.emit(em, o, fields, func() string {
		tape.out = append(append(tape.out[:0], r.conv.src.Name...), 0)
		tape.out = tape.appendCanonical(tape.out, 0, nil)
		sum := sha256.Sum256(tape.out)
		return hex.EncodeToString(sum[:])
	})
}

// jsonRecordFromMap converts one record decoded into maps. It produces
// the same outcome as jsonRecord for the records a tape accepts, and
// names the error of invalid ones.
func (r *genericReader) jsonRecordFromMap(em *emitter, o transforms.Origin, raw []byte) error {
	obj, err := decodeObject(raw)
	if err != nil {
		return em.rejectRecord(o, "invalid JSON record: "+err.Error(), raw)
	}
	fields := &jsonFields{root: obj, paths: r.paths}
	return r.emit(em, o, fields, func() string {
		canonical, _ := json.Marshal(obj)
		sum := sha256.Sum256(append([]byte(r.conv.src.Name+"\x00"), canonical...))
		return hex.EncodeToString(sum[:])
	})
}

// emit builds the fact of the source's kind. hash computes the cost line
// id when the record has no line_id field.
func (r *genericReader) emit(em *emitter, o transforms.Origin, fs fieldSource, hash func() string) error {
	var err *transforms.FieldError
	switch r.conv.src.Kind {
	case KindUsage:
		var e *transforms.UsageEvent
		e, err = r.conv.usageEvent(fs, o)
		return em.outcome(o, e, err)
	case KindLabels:
		var l *transforms.ReviewLabel
		l, err = r.conv.reviewLabel(fs, o)
		return em.outcome(o, l, err)
	case KindCosts:
		var c *transforms.CostLine
		c, err = r.conv.costLine(fs, o, hash())
		return em.outcome(o, c, err)
	default:
		var in *transforms.Incident
		in, err = r.conv.incident(fs, o)
		return em.outcome(o, in, err)
	}
}
