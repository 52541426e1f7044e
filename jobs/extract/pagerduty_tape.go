package extract

import (
	"strings"
	"time"

	"evidencepack/transforms"
)

// Paths that pagerDutyReader reads besides the configured columns, split
// for tape lookups.
var (
	pagerDutyServicePaths = []jsonPath{tapePath("service.id"), tapePath("service.summary")}
	pagerDutyResolvedAt   = tapePath("resolved_at")
	pagerDutyStatus       = tapePath("status")
	pagerDutyLastChange   = tapePath("last_status_change_at")
	pagerDutyPriority     = tapePath("priority.summary")
	pagerDutyUrgency      = tapePath("urgency")
	pagerDutyAckAt        = tapePath("at")
)

func tapePath(path string) jsonPath {
	return jsonPath{text: path, parts: strings.Split(path, ".")}
}

// stringIs reports whether node i is a string whose text is exactly want,
// as comparing a decoded value with want does.
func (t *jsonTape) stringIs(i int32, want string) bool {
	return i >= 0 && t.nodes[i].kind == tapeString && string(t.textOf(i)) == want
}

// unwrapAirbyte returns the incident node inside an Airbyte record
// envelope at object node obj, like unwrapAirbyte does for a decoded
// object.
func (t *jsonTape) unwrapAirbyte(obj int32) (int32, string) {
	if rec := t.member(obj, "record"); rec >= 0 && t.nodes[rec].kind == tapeObject && t.stringIs(t.member(obj, "type"), "RECORD") {
		obj = rec
	}
	stream := t.member(obj, "stream")
	data := t.member(obj, "data")
	if stream < 0 || t.nodes[stream].kind != tapeString || data < 0 || t.nodes[data].kind != tapeObject {
		return obj, ""
	}
	if name := string(t.textOf(stream)); name != "incidents" {
		return -1, "record of stream " + name + " is not an incident"
	}
	return data, ""
}

// setTapeComputed is setComputed for an incident at node incident of the
// fields' tape.
func (r *pagerDutyReader) setTapeComputed(fields *tapeFields, incident int32) *transforms.FieldError {
	src := r.conv.src
	tape := fields.tape
	for _, path := range pagerDutyServicePaths {
		if key := tape.lookupText(incident, path); key.Found {
			if account, ok := src.ServiceAccounts[key.Text]; ok {
				fields.setComputed(nil, "account_id", fieldValue{Text: account, Name: path.text, Found: true})
				break
			}
		}
	}
	fields.setComputed(src.Fields, "severity", r.severityOf(tape.lookupText(incident, pagerDutyPriority), tape.lookupText(incident, pagerDutyUrgency)))
	if !tape.lookupText(incident, pagerDutyResolvedAt).Found && tape.lookupText(incident, pagerDutyStatus).Text == "resolved" {
		fields.setComputed(src.Fields, "resolved_at", tape.lookupText(incident, pagerDutyLastChange))
	}
	ack, err := r.firstTapeAcknowledgement(tape, incident)
	fields.setComputed(src.Fields, "acknowledged_at", ack)
	return err
}

// firstTapeAcknowledgement is firstAcknowledgement for an incident at
// node incident.
func (r *pagerDutyReader) firstTapeAcknowledgement(tape *jsonTape, incident int32) (fieldValue, *transforms.FieldError) {
	first := fieldValue{Name: "acknowledgements.at"}
	acks := tape.member(incident, "acknowledgements")
	if acks < 0 || tape.nodes[acks].kind != tapeArray {
		return first, nil
	}
	var firstAt time.Time
	k := acks + 1
	for range tape.nodes[acks].n {
		ack := k
		k = tape.nodes[k].next
		if tape.nodes[ack].kind != tapeObject {
			continue
		}
		v := tape.lookupText(ack, pagerDutyAckAt)
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
