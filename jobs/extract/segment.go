package extract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"evidencepack/transforms"
)

// segmentFields are the Segment Spec fields read for each usage event
// column, in order of preference. A path missing from an event is also
// looked up in the batch that wraps it.
var segmentFields = fieldPaths{
	"occurred_at":         {"timestamp", "originalTimestamp", "sentAt"},
	"user_id":             {"userId", "anonymousId"},
	"account_id":          {"properties.account_id", "context.groupId"},
	"workflow":            {"properties.workflow"},
	"case_id":             {"properties.case_id"},
	"autonomy_level":      {"properties.autonomy_level"},
	"handle_time_seconds": {"properties.handle_time_seconds"},
	"event_type":          {"event"},
	"event_id":            {"messageId"},
}

// transportMembers are event members that a delivery or a retry may change
// without changing the event, so they are left out of the event digest.
var transportMembers = []string{"messageId", "sentAt", "receivedAt", "requestId", "_metadata", "integrations"}

// segmentReader reads Segment Spec events: one per line (.jsonl, .ndjson),
// the batch form {"batch": [...], "context": {...}}, a top-level array, and
// the RudderStack envelope {"message": {...}}. Only track events become
// usage events.
//
// The event_id is messageId + "#" + the first 12 hex digits of the event
// digest, the SHA-256 of the event's canonical JSON (keys sorted, numbers
// as written) without its transport members. Some senders reuse one
// messageId for different events. Because the key depends only on the
// record, such events stay apart whatever the file order. A repeated
// delivery of the same event gets the same key, so de-duplication removes
// it. An event without a messageId gets the whole digest.
type segmentReader struct {
	conv *converter
	// decodeMaps makes every event go through recordFromMap, so tests
	// can compare both paths.
	decodeMaps bool
}

// Read streams one Segment file.
func (r *segmentReader) Read(ctx context.Context, file string, sink transforms.Sink) (int64, error) {
	em := newEmitter(ctx, r.conv, file, sink)
	layout := jsonLayout{arrays: []string{"batch"}, siblings: true}
	paths := withOverrides(segmentFields, r.conv.src.Fields)
	compiled := compilePaths(paths)
	err := streamJSONFile(em, layout, func(em *emitter) func(jsonRecord) error {
		return func(rec jsonRecord) error {
			o, err := em.next()
			if err != nil {
				return err
			}
			return r.record(em, o, rec, paths, compiled)
		}
	})
	return em.records, err
}

// record converts one event read from a tape. Events that the tape does
// not accept go to recordFromMap, which produces the same outcome for
// valid events and names the error of invalid ones.
func (r *segmentReader) record(em *emitter, o transforms.Origin, rec jsonRecord, paths fieldPaths, compiled map[string][]jsonPath) error {
	tape := tapePool.Get().(*jsonTape)
	defer tapePool.Put(tape)
	if r.decodeMaps || !tape.parse(rec.raw) {
		return r.recordFromMap(em, o, rec, paths)
	}
	event := int32(0)
	if msg := tape.member(0, "message"); msg >= 0 && tape.nodes[msg].kind == tapeObject {
		if kind := tape.member(0, "type"); kind < 0 || tape.nodes[kind].kind == tapeNull {
			event = msg
		}
	}
	if kind := tape.member(event, "type"); kind < 0 || !tape.textIs(kind, "track") {
		text := ""
		if kind >= 0 {
			text, _ = tape.jsonText(kind)
		}
		return rejectNotTrack(em, o, text)
	}
	fields := &tape.fields
	*fields = tapeFields{tape: tape, root: event, paths: compiled, fallback: rec.siblings}
	if _, overridden := r.conv.src.Fields["event_id"]; !overridden {
		fields.computedColumn = "event_id"
		fields.computed = tape.segmentEventID(event)
	}
	e, ferr := r.conv.usageEvent(fields, o)
	return em.outcome(o, e, ferr)
}

// recordFromMap converts one event decoded into maps.
func (r *segmentReader) recordFromMap(em *emitter, o transforms.Origin, rec jsonRecord, paths fieldPaths) error {
	event, err := decodeObject(rec.raw)
	if err != nil {
		return em.rejectRecord(o, "invalid JSON event: "+err.Error(), rec.raw)
	}
	if msg, ok := event["message"].(map[string]any); ok && event["type"] == nil {
		event = msg
	}
	if kind, _ := jsonText(event["type"]); kind != "track" {
		return rejectNotTrack(em, o, kind)
	}
	fields := &jsonFields{root: event, paths: paths}
	fields.fallback = rec.siblings
	if _, overridden := r.conv.src.Fields["event_id"]; !overridden {
		fields.setComputed(nil, "event_id", segmentEventID(event))
	}
	e, ferr := r.conv.usageEvent(fields, o)
	return em.outcome(o, e, ferr)
}

func rejectNotTrack(em *emitter, o transforms.Origin, kind string) error {
	reason := "event type " + kind + " is not track"
	if kind == "" {
		reason = "event has no type"
	}
	return em.reject(transforms.Reject{Origin: o, Column: "type", Reason: reason, Raw: kind})
}

// segmentEventID returns the event_id described on segmentReader.
func segmentEventID(event map[string]any) fieldValue {
	content := make(map[string]any, len(event))
	for k, v := range event {
		content[k] = v
	}
	for _, k := range transportMembers {
		delete(content, k)
	}
	canonical, err := json.Marshal(content)
	if err != nil {
		return fieldValue{Name: "messageId"}
	}
	sum := sha256.Sum256(canonical)
	digest := hex.EncodeToString(sum[:])
	id, _ := jsonText(event["messageId"])
	if id == "" {
		return fieldValue{Text: digest, Name: "messageId", Found: true}
	}
	return fieldValue{Text: id + "#" + digest[:12], Name: "messageId", Found: true}
}

// segmentEventID returns the event_id described on segmentReader for the
// event at node event. It hashes the same bytes as the map-based
// segmentEventID.
func (t *jsonTape) segmentEventID(event int32) fieldValue {
	t.out = t.appendCanonical(t.out[:0], event, transportMembers)
	sum := sha256.Sum256(t.out)
	var digest [2 * sha256.Size]byte
	hex.Encode(digest[:], sum[:])
	t.out = t.out[:0]
	if v := t.member(event, "messageId"); v >= 0 {
		if t.nodes[v].kind == tapeString {
			t.out = append(t.out, bytes.TrimSpace(t.textOf(v))...)
		} else {
			text, _ := t.jsonText(v)
			t.out = append(t.out[:0], text...)
		}
	}
	if len(t.out) == 0 {
		return fieldValue{Text: string(digest[:]), Name: "messageId", Found: true}
	}
	t.out = append(append(t.out, '#'), digest[:12]...)
	return fieldValue{Text: string(t.out), Name: "messageId", Found: true}
}
