package extract

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"evidencepack/transforms"
)

// ctxCheckInterval is how many records pass between checks of the
// context for cancellation.
const ctxCheckInterval = 1000

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// openInput opens file for buffered reading with a leading UTF-8 byte
// order mark removed. The caller closes the returned file.
func openInput(file string) (*os.File, *bufio.Reader, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", file, err)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	head, err := br.Peek(len(utf8BOM))
	if err != nil && err != io.EOF {
		f.Close()
		return nil, nil, fmt.Errorf("read %s: %w", file, err)
	}
	if bytes.Equal(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	return f, br, nil
}

// emitter numbers the records of one file and forwards their outcome to
// the sink, checking the context every ctxCheckInterval records.
type emitter struct {
	ctx     context.Context
	sink    transforms.Sink
	source  string
	file    string
	records int64
}

func newEmitter(ctx context.Context, conv *converter, file string, sink transforms.Sink) *emitter {
	return &emitter{ctx: ctx, sink: sink, source: conv.src.Name, file: file}
}

// next starts a new record and returns its origin. It fails when the
// context is done.
func (e *emitter) next() (transforms.Origin, error) {
	if e.records%ctxCheckInterval == 0 {
		if err := e.ctx.Err(); err != nil {
			return transforms.Origin{}, fmt.Errorf("read %s: after record %d: %w", e.file, e.records, err)
		}
	}
	e.records++
	return transforms.Origin{Source: e.source, File: e.file, Record: e.records}, nil
}

// fact reports the current record as a fact.
func (e *emitter) fact(f transforms.Fact) error {
	if err := e.sink.Fact(f); err != nil {
		return fmt.Errorf("read %s: record %d: sink: %w", e.file, e.records, err)
	}
	return nil
}

// reject reports the current record as a reject.
func (e *emitter) reject(r transforms.Reject) error {
	if err := e.sink.Reject(r); err != nil {
		return fmt.Errorf("read %s: record %d: sink: %w", e.file, e.records, err)
	}
	return nil
}

// outcome reports a fact when err is nil and a reject of the field
// otherwise.
func (e *emitter) outcome(o transforms.Origin, f transforms.Fact, err *transforms.FieldError) error {
	if err != nil {
		return e.reject(transforms.RejectFor(o, err))
	}
	return e.fact(f)
}

// rejectRecord reports the current record as a reject of the whole record.
func (e *emitter) rejectRecord(o transforms.Origin, reason string, raw []byte) error {
	return e.reject(transforms.Reject{Origin: o, Reason: reason, Raw: string(raw)})
}

// wrap adds the file and the last record number to an error that stopped
// reading.
func (e *emitter) wrap(err error) error {
	return fmt.Errorf("read %s: after record %d: %w", e.file, e.records, err)
}
