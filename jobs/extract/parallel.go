package extract

import (
	"runtime"
	"sync"

	"evidencepack/transforms"
)

// Limits of one batch of records handed to a worker.
const (
	poolBatchRecords = 512
	poolBatchBytes   = 1 << 20
)

// recordHandler returns the function that turns one JSON record into
// facts or rejects, reporting them through em.
type recordHandler func(em *emitter) func(jsonRecord) error

// outcome is one fact or reject that a worker produced. The reject is a
// pointer because rejects are rare and the outcomes of every row are
// buffered.
type outcome struct {
	fact   transforms.Fact
	reject *transforms.Reject
}

// bufferSink keeps a worker's outcomes until they are replayed in order.
type bufferSink struct{ outcomes []outcome }

func (b *bufferSink) Fact(f transforms.Fact) error {
	b.outcomes = append(b.outcomes, outcome{fact: f})
	return nil
}

func (b *bufferSink) Reject(r transforms.Reject) error {
	b.outcomes = append(b.outcomes, outcome{reject: &r})
	return nil
}

// poolBatch is a run of consecutive records and, once handled, their
// outcomes.
type poolBatch[T any] struct {
	seq      int
	records  []T
	outcomes []outcome
	err      error
}

// recordPool decodes and converts records on one worker per CPU. It
// reports the outcomes to the emitter's sink in input order, numbered as
// a sequential read numbers them, so the facts and the quarantine file do
// not depend on the number of CPUs. It holds at most maxInflight batches.
type recordPool[T any] struct {
	em          *emitter
	handler     func(em *emitter) func(T) error
	batch       []T
	batchBytes  int
	jobs        chan *poolBatch[T]
	results     chan *poolBatch[T]
	done        map[int]*poolBatch[T] // handled batches waiting for earlier ones
	sent, next  int                   // sequence numbers of the next batch to send and to replay
	maxInflight int
	workers     sync.WaitGroup
}

func newRecordPool[T any](em *emitter, handler func(em *emitter) func(T) error) *recordPool[T] {
	n := runtime.GOMAXPROCS(0)
	p := &recordPool[T]{em: em, handler: handler, maxInflight: 2*n + 2, done: map[int]*poolBatch[T]{}}
	p.jobs = make(chan *poolBatch[T], p.maxInflight)
	p.results = make(chan *poolBatch[T], p.maxInflight)
	for range n {
		p.workers.Add(1)
		go p.work()
	}
	return p
}

// work handles batches with an emitter of its own, which numbers records
// from 1 in each batch. replay renumbers them.
func (p *recordPool[T]) work() {
	defer p.workers.Done()
	for b := range p.jobs {
		sink := &bufferSink{outcomes: make([]outcome, 0, len(b.records))}
		em := &emitter{ctx: p.em.ctx, sink: sink, source: p.em.source, file: p.em.file}
		handle := p.handler(em)
		for _, rec := range b.records {
			if b.err = handle(rec); b.err != nil {
				break
			}
		}
		b.records, b.outcomes = nil, sink.outcomes
		p.results <- b
	}
}

// add queues one record of about size bytes. The caller must not reuse
// the record's memory.
func (p *recordPool[T]) add(rec T, size int) error {
	p.batch = append(p.batch, rec)
	p.batchBytes += size
	if len(p.batch) < poolBatchRecords && p.batchBytes < poolBatchBytes {
		return nil
	}
	return p.submit()
}

func (p *recordPool[T]) submit() error {
	if len(p.batch) == 0 {
		return nil
	}
	for p.sent-p.next >= p.maxInflight {
		if err := p.receive(); err != nil {
			return err
		}
	}
	p.jobs <- &poolBatch[T]{seq: p.sent, records: p.batch}
	p.sent++
	p.batch, p.batchBytes = nil, 0
	return nil
}

// receive waits for one handled batch and replays every batch that is
// next in order.
func (p *recordPool[T]) receive() error {
	b := <-p.results
	p.done[b.seq] = b
	for {
		b, ok := p.done[p.next]
		if !ok {
			return nil
		}
		delete(p.done, p.next)
		p.next++
		if err := p.replay(b); err != nil {
			return err
		}
	}
}

// replay reports a batch's outcomes with their record numbers in the file.
func (p *recordPool[T]) replay(b *poolBatch[T]) error {
	for _, out := range b.outcomes {
		o, err := p.em.next()
		if err != nil {
			return err
		}
		if out.fact != nil {
			setRecord(out.fact, o.Record)
			err = p.em.fact(out.fact)
		} else {
			out.reject.Record = o.Record
			err = p.em.reject(*out.reject)
		}
		if err != nil {
			return err
		}
	}
	return b.err
}

// drain handles every queued record and reports its outcomes.
func (p *recordPool[T]) drain() error {
	if err := p.submit(); err != nil {
		return err
	}
	for p.next < p.sent {
		if err := p.receive(); err != nil {
			return err
		}
	}
	return nil
}

// close stops the workers. Outcomes not yet replayed are dropped.
func (p *recordPool[T]) close() {
	close(p.jobs)
	p.workers.Wait()
}

// setRecord sets the record number of a fact's origin.
func setRecord(f transforms.Fact, record int64) {
	switch v := f.(type) {
	case *transforms.UsageEvent:
		v.From.Record = record
	case *transforms.ReviewLabel:
		v.From.Record = record
	case *transforms.CostLine:
		v.From.Record = record
	case *transforms.Incident:
		v.From.Record = record
	}
}

// addJSON queues one JSON record.
func addJSON(p *recordPool[jsonRecord]) func(jsonRecord) error {
	return func(rec jsonRecord) error { return p.add(rec, len(rec.raw)) }
}
