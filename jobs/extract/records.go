package extract

import (
	"context"
	"fmt"

	"evidencepack/config"
	"evidencepack/transforms"
)

// RecordStream maps records that a live source fetched, one JSON value at
// a time, through the record mapping of the source's format, so an API or
// database row becomes the same fact as the same record read from a file.
// Format pagerduty takes one incident object, labelstudio one task (one
// record per annotation), and jsonl one object whose members are named as
// the fact columns or by the source's fields.
type RecordStream struct {
	em  *emitter
	add func(raw []byte) error
}

// NewRecordStream returns a stream that reports to sink. name is the
// origin of its records in quarantine files, such as an endpoint URL.
func NewRecordStream(ctx context.Context, src config.Source, name string, sink transforms.Sink) (*RecordStream, error) {
	conv, err := newConverter(src)
	if err != nil {
		return nil, err
	}
	s := &RecordStream{em: newEmitter(ctx, conv, name, sink)}
	switch src.Format {
	case FormatPagerDuty:
		r := newPagerDutyReader(conv)
		s.add = func(raw []byte) error { return s.withOrigin(raw, r.record) }
	case FormatLabelStudio:
		r := newLabelStudioReader(conv)
		s.add = func(raw []byte) error { return r.task(s.em, raw) }
	case FormatJSONL:
		r, err := newGenericReader(conv)
		if err != nil {
			return nil, err
		}
		s.add = func(raw []byte) error { return r.jsonRecord(s.em, raw) }
	default:
		return nil, fmt.Errorf("source %s: format %q cannot read fetched records (expected pagerduty, labelstudio or jsonl)", src.Name, src.Format)
	}
	return s, nil
}

func (s *RecordStream) withOrigin(raw []byte, fn func(*emitter, transforms.Origin, []byte) error) error {
	o, err := s.em.next()
	if err != nil {
		return err
	}
	return fn(s.em, o, raw)
}

// Add maps one fetched JSON value and reports its records to the sink.
func (s *RecordStream) Add(raw []byte) error { return s.add(raw) }

// Records returns the number of records reported so far.
func (s *RecordStream) Records() int64 { return s.em.records }

// Reject reports one fetched record as a reject of the whole record, for
// records the source itself cannot accept, such as a row whose cursor
// column is NULL.
func (s *RecordStream) Reject(column, reason string, raw []byte) error {
	o, err := s.em.next()
	if err != nil {
		return err
	}
	return s.em.reject(transforms.Reject{Origin: o, Column: column, Reason: reason, Raw: string(raw)})
}
