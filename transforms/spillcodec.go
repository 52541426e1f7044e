package transforms

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Fact type tags of the spill encoding.
const (
	tagUsage byte = iota + 1
	tagLabel
	tagCost
	tagIncident
)

var errCorruptSpill = errors.New("corrupt spill record")

// spillEncoder appends facts in a compact binary form. A spill record is
// a header with the values the merge orders and groups by, followed by
// the fact. The fact is a type tag, the origin with its source and file
// as indexes into the collector's name table, then every field in
// declaration order. Times are stored as UTC instants, which is all that
// the Parquet writer, Version and PartitionDate read of them.
type spillEncoder struct {
	buf   []byte
	names *nameTable
}

func (e *spillEncoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *spillEncoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }

func (e *spillEncoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *spillEncoder) ts(t time.Time) {
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
}

func (e *spillEncoder) boolean(v bool) {
	if v {
		e.buf = append(e.buf, 1)
		return
	}
	e.buf = append(e.buf, 0)
}

func (e *spillEncoder) dec(v decimal128.Num) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(v.HighBits()))
	e.buf = binary.LittleEndian.AppendUint64(e.buf, v.LowBits())
}

func (e *spillEncoder) optDec(v *decimal128.Num) {
	e.boolean(v != nil)
	if v != nil {
		e.dec(*v)
	}
}

func (e *spillEncoder) optFloat(v *float64) {
	e.boolean(v != nil)
	if v != nil {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(*v))
	}
}

func (e *spillEncoder) origin(o Origin) {
	e.uvarint(uint64(e.names.index(o.Source)))
	e.uvarint(uint64(e.names.index(o.File)))
	e.varint(o.Record)
}

// record appends the spill record of en to e.buf: the header, which
// parseRecord reads, then the fact, which decodeFact reads.
func (e *spillEncoder) record(en entry) {
	e.str(en.key)
	e.varint(en.ver.Unix())
	e.uvarint(uint64(en.ver.Nanosecond()))
	e.varint(en.seq)
	e.varint(en.day)
	e.uvarint(uint64(e.names.index(en.fact.Origin().Source)))
	e.fact(en.fact)
}

// fact appends one fact to e.buf.
func (e *spillEncoder) fact(f Fact) {
	switch r := f.(type) {
	case *UsageEvent:
		e.buf = append(e.buf, tagUsage)
		e.usage(r)
	case *ReviewLabel:
		e.buf = append(e.buf, tagLabel)
		e.label(r)
	case *CostLine:
		e.buf = append(e.buf, tagCost)
		e.cost(r)
	case *Incident:
		e.buf = append(e.buf, tagIncident)
		e.incident(r)
	default:
		panic(fmt.Sprintf("spill: unknown fact type %T", f))
	}
}

func (e *spillEncoder) usage(r *UsageEvent) {
	e.origin(r.From)
	e.str(r.EventID)
	e.ts(r.OccurredAt)
	e.str(r.AccountID)
	e.str(r.Workflow)
	e.str(r.CaseID)
	e.str(r.UserID)
	e.str(r.EventType)
	e.str(r.AutonomyLevel)
	e.optFloat(r.HandleTimeSeconds)
}

func (e *spillEncoder) label(r *ReviewLabel) {
	e.origin(r.From)
	e.str(r.LabelID)
	e.ts(r.LabeledAt)
	e.ts(r.UpdatedAt)
	e.str(r.AccountID)
	e.str(r.Workflow)
	e.str(r.CaseID)
	e.str(r.ReviewerID)
	e.str(r.Verdict)
	e.str(r.FailureCategory)
	e.str(r.FeedbackText)
	e.str(r.IncorporatedAs)
}

func (e *spillEncoder) cost(r *CostLine) {
	e.origin(r.From)
	e.str(r.LineID)
	e.ts(r.ChargePeriodStart)
	e.ts(r.ChargePeriodEnd)
	e.str(r.AccountID)
	e.str(r.Provider)
	e.str(r.Service)
	e.str(r.SKU)
	e.str(r.ChargeCategory)
	e.optDec(r.ConsumedQuantity)
	e.str(r.ConsumedUnit)
	e.dec(r.BilledCost)
	e.dec(r.EffectiveCost)
	e.str(r.Currency)
	e.boolean(r.CommitmentPurchase)
}

func (e *spillEncoder) incident(r *Incident) {
	e.origin(r.From)
	e.str(r.IncidentID)
	e.str(r.AccountID)
	e.str(r.Severity)
	e.ts(r.OpenedAt)
	e.ts(r.AcknowledgedAt)
	e.ts(r.ResolvedAt)
	e.ts(r.UpdatedAt)
	e.str(r.Status)
	e.str(r.Title)
	e.str(r.Service)
	e.str(r.Workflow)
	e.str(r.PostmortemURL)
}

// nameTable interns the source and file names of a collector's origins,
// which repeat on every fact.
type nameTable struct {
	ids   map[string]int
	names []string
}

func (t *nameTable) index(name string) int {
	if id, ok := t.ids[name]; ok {
		return id
	}
	if t.ids == nil {
		t.ids = map[string]int{}
	}
	t.ids[name] = len(t.names)
	t.names = append(t.names, name)
	return len(t.names) - 1
}

// spillDecoder reads one record written by spillEncoder. A malformed
// record sets err and makes every further read return zero values.
type spillDecoder struct {
	buf   []byte
	names []string
	err   error
}

func (d *spillDecoder) fail() {
	if d.err == nil {
		d.err = errCorruptSpill
	}
	d.buf = nil
}

func (d *spillDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *spillDecoder) varint() int64 {
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *spillDecoder) bytes(n uint64) []byte {
	if uint64(len(d.buf)) < n {
		d.fail()
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *spillDecoder) str() string { return string(d.bytes(d.uvarint())) }

// strBytes returns a string field without copying it out of d.buf.
func (d *spillDecoder) strBytes() []byte { return d.bytes(d.uvarint()) }

func (d *spillDecoder) ts() time.Time {
	sec := d.varint()
	nsec := d.uvarint()
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *spillDecoder) boolean() bool {
	b := d.bytes(1)
	return len(b) == 1 && b[0] == 1
}

func (d *spillDecoder) dec() decimal128.Num {
	b := d.bytes(16)
	if len(b) < 16 {
		return decimal128.Num{}
	}
	return decimal128.New(int64(binary.LittleEndian.Uint64(b[:8])), binary.LittleEndian.Uint64(b[8:]))
}

func (d *spillDecoder) optDec() *decimal128.Num {
	if !d.boolean() {
		return nil
	}
	v := d.dec()
	return &v
}

func (d *spillDecoder) optFloat() *float64 {
	if !d.boolean() {
		return nil
	}
	b := d.bytes(8)
	if len(b) < 8 {
		return nil
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(b))
	return &v
}

func (d *spillDecoder) name() string {
	id := d.uvarint()
	if id >= uint64(len(d.names)) {
		d.fail()
		return ""
	}
	return d.names[id]
}

func (d *spillDecoder) origin() Origin {
	return Origin{Source: d.name(), File: d.name(), Record: d.varint()}
}

// decodeFact reads the fact that spillEncoder.fact wrote to buf.
func (d *spillDecoder) decodeFact(buf []byte) (Fact, error) {
	d.buf, d.err = buf, nil
	tag := d.bytes(1)
	if len(tag) != 1 {
		return nil, errCorruptSpill
	}
	var f Fact
	switch tag[0] {
	case tagUsage:
		f = d.usage()
	case tagLabel:
		f = d.label()
	case tagCost:
		f = d.cost()
	case tagIncident:
		f = d.incident()
	default:
		return nil, fmt.Errorf("%w: unknown type tag %d", errCorruptSpill, tag[0])
	}
	if d.err == nil && len(d.buf) != 0 {
		d.fail()
	}
	return f, d.err
}

// maxSpillRecord bounds the size a spill file may give for one record, so
// that a corrupt size fails instead of allocating it.
const maxSpillRecord = 1 << 30

// spillRecord is one record of a sorted run as the merge reads it: the
// header values, and slices of the record that point into the buffer of
// the cursor that read it.
type spillRecord struct {
	key     []byte
	verSec  int64
	verNsec int64
	seq     int64
	day     int64  // partition date as days since 1970-01-01
	source  uint64 // index of the source in the name table
	raw     []byte // the whole record, header and fact
	fact    []byte // the encoded fact
}

// parseRecord reads the header of a spill record and leaves the fact
// encoded.
func parseRecord(raw []byte) (spillRecord, error) {
	d := spillDecoder{buf: raw}
	r := spillRecord{raw: raw}
	r.key = d.strBytes()
	r.verSec = d.varint()
	r.verNsec = int64(d.uvarint())
	r.seq = d.varint()
	r.day = d.varint()
	r.source = d.uvarint()
	if d.err != nil || len(d.buf) == 0 {
		return spillRecord{}, errCorruptSpill
	}
	r.fact = d.buf
	return r, nil
}

// compareRecords orders records as byKey orders entries: key, version,
// then sequence number.
func compareRecords(a, b *spillRecord) int {
	if d := bytes.Compare(a.key, b.key); d != 0 {
		return d
	}
	if a.verSec != b.verSec {
		return cmp.Compare(a.verSec, b.verSec)
	}
	if a.verNsec != b.verNsec {
		return cmp.Compare(a.verNsec, b.verNsec)
	}
	return cmp.Compare(a.seq, b.seq)
}

func (d *spillDecoder) usage() *UsageEvent {
	return &UsageEvent{From: d.origin(), EventID: d.str(), OccurredAt: d.ts(), AccountID: d.str(),
		Workflow: d.str(), CaseID: d.str(), UserID: d.str(), EventType: d.str(),
		AutonomyLevel: d.str(), HandleTimeSeconds: d.optFloat()}
}

func (d *spillDecoder) label() *ReviewLabel {
	return &ReviewLabel{From: d.origin(), LabelID: d.str(), LabeledAt: d.ts(), UpdatedAt: d.ts(),
		AccountID: d.str(), Workflow: d.str(), CaseID: d.str(), ReviewerID: d.str(),
		Verdict: d.str(), FailureCategory: d.str(), FeedbackText: d.str(), IncorporatedAs: d.str()}
}

func (d *spillDecoder) cost() *CostLine {
	return &CostLine{From: d.origin(), LineID: d.str(), ChargePeriodStart: d.ts(),
		ChargePeriodEnd: d.ts(), AccountID: d.str(), Provider: d.str(), Service: d.str(),
		SKU: d.str(), ChargeCategory: d.str(), ConsumedQuantity: d.optDec(),
		ConsumedUnit: d.str(), BilledCost: d.dec(), EffectiveCost: d.dec(), Currency: d.str(),
		CommitmentPurchase: d.boolean()}
}

func (d *spillDecoder) incident() *Incident {
	return &Incident{From: d.origin(), IncidentID: d.str(), AccountID: d.str(), Severity: d.str(),
		OpenedAt: d.ts(), AcknowledgedAt: d.ts(), ResolvedAt: d.ts(), UpdatedAt: d.ts(),
		Status: d.str(), Title: d.str(), Service: d.str(), Workflow: d.str(),
		PostmortemURL: d.str()}
}
