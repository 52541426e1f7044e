package extract

import (
	"context"
	"time"

	"evidencepack/transforms"
)

// pagerDutyFields are the incident fields read for each incident column,
// in order of preference.
var pagerDutyFields = fieldPaths{
	"incident_id": {"id"},
	"opened_at":   {"created_at"},
	"resolved_at": {"resolved_at"},
	"updated_at":  {"updated_at"},
	"status":      {"status"},
	"title":       {"title", "summary"},
	"service":     {"service.summary"},
}

// pagerDutyReader reads PagerDuty REST API v2 incidents: a GET /incidents
// response {"incidents": [...]}, a single {"incident": {...}}, a top-level
// array, or JSON Lines of incidents or of Airbyte records
// {"stream": "incidents", "data": {...}}. One record is one incident.
//
// The severity is priority.summary mapped through severities, else the
// urgency mapped the same way. The account is service_accounts[service.id]
// or service_accounts[service.summary], else the field configured as
// account_id, else the source's fixed account.
type pagerDutyReader struct {
	conv *converter
	// compiled are the column paths split for tape lookups.
	compiled map[string][]jsonPath
	// decodeMaps makes every incident go through recordFromMap, so tests
	// can compare both paths.
	decodeMaps bool
}

func newPagerDutyReader(conv *converter) *pagerDutyReader {
	return &pagerDutyReader{conv: conv, compiled: compilePaths(withOverrides(pagerDutyFields, conv.src.Fields))}
}

// Read streams one PagerDuty file.
func (r *pagerDutyReader) Read(ctx context.Context, file string, sink transforms.Sink) (int64, error) {
	em := newEmitter(ctx, r.conv, file, sink)
	layout := jsonLayout{arrays: []string{"incidents"}, objects: []string{"incident"}}
	err := streamJSONFile(em, layout, func(em *emitter) func(jsonRecord) error {
		return func(rec jsonRecord) error {
			o, err := em.next()
			if err != nil {
				return err
			}
			return r.record(em, o, rec.raw)
		}
	})
	return em.records, err
}

// record converts one incident read from a tape. Incidents that the tape
// does not accept go to recordFromMap, which produces the same outcome
// for valid incidents and names the error of invalid ones.
func (r *pagerDutyReader) record(em *emitter, o transforms.Origin, raw []byte) error {
	tape := tapePool.Get().(*jsonTape)
	defer tapePool.Put(tape)
	if r.decodeMaps || !tape.parse(raw) {
		return r.recordFromMap(em, o, raw)
	}
	incident, reject := tape.unwrapAirbyte(0)
	if reject != "" {
		return em.reject(transforms.Reject{Origin: o, Column: "stream", Reason: reject, Raw: string(raw)})
	}
	fields := &tape.fields
	*fields = tapeFields{tape: tape, root: incident, paths: r.compiled, derived: fields.derived[:0]}
	if ferr := r.setTapeComputed(fields, incident); ferr != nil {
		return em.reject(transforms.RejectFor(o, ferr))
	}
	return r.finish(em, o, fields)
}

// finish reports the incident whose fields are resolved, or the reject
// of an incident whose service maps to no account.
func (r *pagerDutyReader) finish(em *emitter, o transforms.Origin, fields fieldSource) error {
	if !fields.field("account_id").Found && r.conv.src.Account == "" {
		service := fields.field("service")
		reason := "service " + service.Text + " not mapped to an account"
		return em.reject(transforms.Reject{Origin: o, Column: service.Name, Reason: reason, Raw: service.Text})
	}
	in, ferr := r.conv.incident(fields, o)
	return em.outcome(o, in, ferr)
}

// recordFromMap converts one incident decoded into maps.
func (r *pagerDutyReader) recordFromMap(em *emitter, o transforms.Origin, raw []byte) error {
	obj, err := decodeObject(raw)
	if err != nil {
		return em.rejectRecord(o, "invalid JSON incident: "+err.Error(), raw)
	}
	incident, reject := unwrapAirbyte(obj)
	if reject != "" {
		return em.reject(transforms.Reject{Origin: o, Column: "stream", Reason: reject, Raw: string(raw)})
	}
	fields := &jsonFields{root: incident, paths: withOverrides(pagerDutyFields, r.conv.src.Fields)}
	if ferr := r.setComputed(fields, incident); ferr != nil {
		return em.reject(transforms.RejectFor(o, ferr))
	}
	return r.finish(em, o, fields)
}

// unwrapAirbyte returns the incident inside an Airbyte record envelope, in
// its JSON Lines form {"stream", "data"} or its protocol form {"type":
// "RECORD", "record": {...}}. A record of another stream gets a reject
// reason. Any other object is returned as it is.
func unwrapAirbyte(obj map[string]any) (map[string]any, string) {
	if rec, ok := obj["record"].(map[string]any); ok && obj["type"] == "RECORD" {
		obj = rec
	}
	stream, isString := obj["stream"].(string)
	data, isObject := obj["data"].(map[string]any)
	if !isString || !isObject {
		return obj, ""
	}
	if stream != "incidents" {
		return nil, "record of stream " + stream + " is not an incident"
	}
	return data, ""
}

// setComputed derives the account, severity, acknowledgement time and the
// resolution time of resolved incidents that lack resolved_at.
func (r *pagerDutyReader) setComputed(fields *jsonFields, incident map[string]any) *transforms.FieldError {
	src := r.conv.src
	for _, path := range []string{"service.id", "service.summary"} {
		if key := lookupText(incident, path); key.Found {
			if account, ok := src.ServiceAccounts[key.Text]; ok {
				fields.setComputed(nil, "account_id", fieldValue{Text: account, Name: path, Found: true})
				break
			}
		}
	}
	fields.setComputed(src.Fields, "severity", r.severity(incident))
	if !lookupText(incident, "resolved_at").Found && lookupText(incident, "status").Text == "resolved" {
		fields.setComputed(src.Fields, "resolved_at", lookupText(incident, "last_status_change_at"))
	}
	ack, err := r.firstAcknowledgement(incident)
	fields.setComputed(src.Fields, "acknowledged_at", ack)
	return err
}

// severity returns priority.summary or urgency, whichever severities maps
// first, mapped. When neither maps, it returns the raw value so that the
// reject names it.
func (r *pagerDutyReader) severity(incident map[string]any) fieldValue {
	return r.severityOf(lookupText(incident, "priority.summary"), lookupText(incident, "urgency"))
}

// severityOf returns the severity of an incident with the given priority
// and urgency.
func (r *pagerDutyReader) severityOf(priority, urgency fieldValue) fieldValue {
	for _, v := range []fieldValue{priority, urgency} {
		if !v.Found {
			continue
		}
		if mapped, err := mapVocabulary(v, r.conv.src.Severities, knownSeverities, "", ""); err == nil {
			return fieldValue{Text: mapped, Name: v.Name, Found: true}
		}
	}
	if priority.Found {
		return priority
	}
	return urgency
}

// firstAcknowledgement returns the earliest acknowledgements[].at, or a
// value that is not found when there is none.
func (r *pagerDutyReader) firstAcknowledgement(incident map[string]any) (fieldValue, *transforms.FieldError) {
	acks, _ := incident["acknowledgements"].([]any)
	first := fieldValue{Name: "acknowledgements.at"}
	var firstAt time.Time
	for _, a := range acks {
		ack, ok := a.(map[string]any)
		if !ok {
			continue
		}
		v := lookupText(ack, "at")
		if !v.Found {
			continue
		}
		v.Name = "acknowledgements.at"
		at, err := r.conv.parseTime(v)
		if err != nil {
			return first, err
		}
		if !first.Found || at.Before(firstAt) {
			first, firstAt = v, at
		}
	}
	return first, nil
}
