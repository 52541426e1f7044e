package demo

import (
	"fmt"
	"slices"
	"strings"
)

// Kinds of files, as the config's source kinds name them, plus accounts.
const (
	KindAccounts  = "accounts"
	KindUsage     = "usage"
	KindLabels    = "labels"
	KindCosts     = "costs"
	KindIncidents = "incidents"
)

// Names of the deliberate irregularities counted in Summary.Defects.
const (
	// DefectLateEvent is a usage event written to a daily file one or
	// more days after the date of its timestamp.
	DefectLateEvent = "usage_late_event"
	// DefectDuplicateLine is an exact copy of an earlier usage line, with
	// the same messageId.
	DefectDuplicateLine = "usage_duplicate_line"
	// DefectBadJSON is a usage line cut short, so it is not valid JSON.
	DefectBadJSON = "usage_bad_json"
	// DefectZonelessTimestamp is a usage event whose timestamp has no
	// UTC offset.
	DefectZonelessTimestamp = "usage_timestamp_without_zone"
	// DefectUnknownEvent is a track event with an event name the demo
	// config does not map.
	DefectUnknownEvent = "usage_unknown_event"
	// DefectNegativeHandleTime is a Case Resolved event with a negative
	// handle_time_seconds.
	DefectNegativeHandleTime = "usage_negative_handle_time"
	// DefectIdentifyCall is a Segment identify call among the track events.
	DefectIdentifyCall = "usage_identify_call"
	// DefectOffsetTimestamp is a usage timestamp written with a non-zero
	// UTC offset such as +02:00. It is valid but must be normalised.
	DefectOffsetTimestamp = "usage_offset_timestamp"
	// DefectUpdatedTask is a Label Studio task repeated later in the same
	// export with its annotation updated to a different verdict.
	DefectUpdatedTask = "labels_updated_task_repeat"
	// DefectSecondReviewer is a task with annotations by two reviewers.
	DefectSecondReviewer = "labels_second_reviewer"
	// DefectCancelledAnnotation is an annotation with was_cancelled true.
	DefectCancelledAnnotation = "labels_cancelled_annotation"
	// DefectUnannotatedTask is a task with no annotations.
	DefectUnannotatedTask = "labels_task_without_annotations"
	// DefectFeedbackEmail is feedback text containing an e-mail address.
	DefectFeedbackEmail = "labels_feedback_email"
	// DefectFeedbackPhone is feedback text containing a phone number.
	DefectFeedbackPhone = "labels_feedback_phone"
	// DefectUntaggedCost is a cost line without the customer tag that
	// belongs to no mapped sub-account, so it stays unattributed.
	DefectUntaggedCost = "costs_unattributed_line"
	// DefectCredit is a cost line with a negative cost.
	DefectCredit = "costs_credit"
	// DefectUnresolvedIncident is an incident that is still open at the
	// end of the range.
	DefectUnresolvedIncident = "incidents_unresolved"
)

// Summary lists what Generate wrote.
type Summary struct {
	// Dir is the output directory.
	Dir string
	// Files lists the written files in the order they were written.
	Files []FileSummary
	// Records counts records per kind: account rows, usage lines (valid or
	// not) plus events in batch files, label tasks, cost lines and
	// incidents.
	Records map[string]int
	// Defects counts the deliberate irregularities by their Defect name.
	Defects map[string]int
}

// FileSummary describes one written file.
type FileSummary struct {
	Path    string // relative to Summary.Dir, with forward slashes
	Kind    string // one of the Kind constants
	Records int
	Bytes   int64
}

// String formats the summary as a short report for a terminal.
func (s Summary) String() string {
	var b strings.Builder
	var total int64
	for _, f := range s.Files {
		total += f.Bytes
	}
	fmt.Fprintf(&b, "wrote %d files (%d bytes) under %s\n", len(s.Files), total, s.Dir)
	for _, kind := range []string{KindAccounts, KindUsage, KindLabels, KindCosts, KindIncidents} {
		files := 0
		for _, f := range s.Files {
			if f.Kind == kind {
				files++
			}
		}
		fmt.Fprintf(&b, "  %-10s %4d files %8d records\n", kind, files, s.Records[kind])
	}
	names := make([]string, 0, len(s.Defects))
	for name := range s.Defects {
		names = append(names, name)
	}
	slices.Sort(names)
	b.WriteString("deliberate defects:\n")
	for _, name := range names {
		fmt.Fprintf(&b, "  %-36s %6d\n", name, s.Defects[name])
	}
	return b.String()
}

// addFile records one written file in the summary.
func (s *Summary) addFile(f FileSummary) {
	s.Files = append(s.Files, f)
	s.Records[f.Kind] += f.Records
}
