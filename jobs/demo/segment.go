package demo

import "time"

// segmentTimeLayout is the ISO 8601 form Segment libraries send, with
// milliseconds and a Z or numeric offset.
const segmentTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// zonelessTimeLayout is segmentTimeLayout without the offset, used for the
// malformed records.
const zonelessTimeLayout = "2006-01-02T15:04:05.000"

// trackJSON is a Segment Spec track call.
type trackJSON struct {
	Type       string          `json:"type"`
	MessageID  string          `json:"messageId"`
	Timestamp  string          `json:"timestamp"`
	UserID     string          `json:"userId"`
	Event      string          `json:"event"`
	Properties trackProperties `json:"properties"`
	Context    segmentContext  `json:"context"`
}

// trackProperties are the custom properties of the product's events.
type trackProperties struct {
	AccountID         string   `json:"account_id"`
	Workflow          string   `json:"workflow,omitempty"`
	CaseID            string   `json:"case_id,omitempty"`
	AutonomyLevel     string   `json:"autonomy_level,omitempty"`
	HandleTimeSeconds *float64 `json:"handle_time_seconds,omitempty"`
	Reason            string   `json:"reason,omitempty"`
	ExportFormat      string   `json:"export_format,omitempty"`
}

// segmentContext is the context object of a Segment call.
type segmentContext struct {
	GroupID string `json:"groupId"`
}

// identifyJSON is a Segment Spec identify call.
type identifyJSON struct {
	Type      string            `json:"type"`
	MessageID string            `json:"messageId"`
	Timestamp string            `json:"timestamp"`
	UserID    string            `json:"userId"`
	Traits    map[string]string `json:"traits"`
	Context   segmentContext    `json:"context"`
}

// trackRecord returns the written form of an event, with its defect
// applied.
func trackRecord(e *usageEvent) trackJSON {
	t := trackJSON{
		Type:      "track",
		MessageID: e.MessageID,
		Timestamp: formatEventTime(e.At, e.Offset),
		UserID:    e.UserID,
		Event:     e.Name,
		Properties: trackProperties{
			AccountID: e.Account.ID,
			CaseID:    e.CaseID,
			Reason:    e.Reason,
		},
		Context: segmentContext{GroupID: e.Account.ID},
	}
	if e.Workflow != nil {
		t.Properties.Workflow = e.Workflow.Name
		t.Properties.AutonomyLevel = e.Workflow.Autonomy
	}
	if e.Name == eventCaseResolved {
		h := e.HandleTime
		if e.Defect == DefectNegativeHandleTime {
			h = -h
		}
		t.Properties.HandleTimeSeconds = &h
	}
	if e.Name == eventAuditExport {
		t.Properties.ExportFormat = "csv"
	}
	if e.Defect == DefectZonelessTimestamp {
		t.Timestamp = e.At.UTC().Format(zonelessTimeLayout)
	}
	return t
}

// identifyRecord returns an identify call for the user of e.
func identifyRecord(e *usageEvent, messageID string) identifyJSON {
	return identifyJSON{
		Type:      "identify",
		MessageID: messageID,
		Timestamp: formatEventTime(e.At.Add(-time.Second), e.Offset),
		UserID:    e.UserID,
		Traits:    map[string]string{"role": "agent", "account_id": e.Account.ID},
		Context:   segmentContext{GroupID: e.Account.ID},
	}
}

// formatEventTime writes t at the given offset in seconds east of UTC.
func formatEventTime(t time.Time, offset int) string {
	if offset == 0 {
		return t.UTC().Format(segmentTimeLayout)
	}
	return t.In(time.FixedZone("", offset)).Format(segmentTimeLayout)
}
