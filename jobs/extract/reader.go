// Package extract streams input files of each configured source format and
// reports every input record to a transforms.Sink as a typed fact or a
// reject. Readers hold at most one batch of records in memory, except where
// a format's own layout needs more (see the Segment batch form).
package extract

import (
	"context"
	"fmt"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

// Reader streams one input file and reports each record to sink: exactly
// one sink.Fact or sink.Reject call per input record.
//
// Read returns the number of input records read, which equals the facts
// plus the rejects reported. It returns an error only when the file itself
// cannot be read (missing, not JSON at all, a bad header), when ctx is done
// or when the sink fails. Bad individual records become rejects.
type Reader interface {
	Read(ctx context.Context, file string, sink transforms.Sink) (records int64, err error)
}

// Source formats accepted by New.
const (
	FormatFOCUS       = "focus"
	FormatSegment     = "segment"
	FormatLabelStudio = "labelstudio"
	FormatPagerDuty   = "pagerduty"
	FormatCSV         = "csv"
	FormatJSONL       = "jsonl"
)

// Source kinds, one per fact table.
const (
	KindUsage     = "usage"
	KindLabels    = "labels"
	KindCosts     = "costs"
	KindIncidents = "incidents"
)

// New returns the reader for a source's format and kind. It fails when the
// format is unknown, when the format cannot produce the source's kind, or
// when the source's time zone is not a valid IANA zone.
func New(src config.Source) (Reader, error) {
	conv, err := newConverter(src)
	if err != nil {
		return nil, err
	}
	switch src.Format {
	case FormatFOCUS:
		return newFOCUSReader(conv)
	case FormatSegment:
		return checkKind(&segmentReader{conv: conv}, src, KindUsage)
	case FormatLabelStudio:
		return checkKind(newLabelStudioReader(conv), src, KindLabels)
	case FormatPagerDuty:
		return checkKind(newPagerDutyReader(conv), src, KindIncidents)
	case FormatCSV:
		return newGenericCSVReader(conv)
	case FormatJSONL:
		return newGenericJSONLReader(conv)
	}
	return nil, fmt.Errorf("source %s: unknown format %q (expected focus, segment, labelstudio, pagerduty, csv or jsonl)", src.Name, src.Format)
}

// checkKind returns r when the source's kind is the one its format reads.
func checkKind(r Reader, src config.Source, want string) (Reader, error) {
	if src.Kind != want {
		return nil, fmt.Errorf("source %s: format %s reads kind %s, not %q", src.Name, src.Format, want, src.Kind)
	}
	return r, nil
}

func newConverter(src config.Source) (*converter, error) {
	conv := &converter{src: src}
	if src.TimeZone != "" {
		loc, err := time.LoadLocation(src.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("source %s: invalid time_zone %q: %w", src.Name, src.TimeZone, err)
		}
		conv.naive = loc
	}
	return conv, nil
}
