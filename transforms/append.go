package transforms

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// rowAppender appends one column value at a time to a record builder, in
// schema order.
type rowAppender struct {
	b *array.RecordBuilder
	i int
}

func (a *rowAppender) next() array.Builder {
	f := a.b.Field(a.i)
	a.i++
	return f
}

func (a *rowAppender) str(v string) { a.next().(*array.StringBuilder).Append(v) }

func (a *rowAppender) optStr(v string) {
	b := a.next().(*array.StringBuilder)
	if v == "" {
		b.AppendNull()
		return
	}
	b.Append(v)
}

func (a *rowAppender) ts(v time.Time) {
	b := a.next().(*array.TimestampBuilder)
	if v.IsZero() {
		b.AppendNull()
		return
	}
	b.Append(arrow.Timestamp(v.UTC().UnixMicro()))
}

func (a *rowAppender) money(v decimal128.Num) { a.next().(*array.Decimal128Builder).Append(v) }

func (a *rowAppender) optMoney(v *decimal128.Num) {
	b := a.next().(*array.Decimal128Builder)
	if v == nil {
		b.AppendNull()
		return
	}
	b.Append(*v)
}

func (a *rowAppender) optFloat(v *float64) {
	b := a.next().(*array.Float64Builder)
	if v == nil {
		b.AppendNull()
		return
	}
	b.Append(*v)
}

func (a *rowAppender) boolean(v bool) { a.next().(*array.BooleanBuilder).Append(v) }

func (a *rowAppender) partition(source string, dt time.Time) {
	a.str(source)
	a.next().(*array.Date32Builder).Append(arrow.Date32FromTime(dt))
}

// AppendFact appends f as one row to b, whose schema must be the schema of
// f's table.
func AppendFact(b *array.RecordBuilder, f Fact) {
	a := &rowAppender{b: b}
	switch r := f.(type) {
	case *UsageEvent:
		a.str(r.EventID)
		a.ts(r.OccurredAt)
		a.str(r.AccountID)
		a.optStr(r.Workflow)
		a.optStr(r.CaseID)
		a.optStr(r.UserID)
		a.str(r.EventType)
		a.optStr(r.AutonomyLevel)
		a.optFloat(r.HandleTimeSeconds)
	case *ReviewLabel:
		appendLabel(a, r)
	case *CostLine:
		appendCost(a, r)
	case *Incident:
		appendIncident(a, r)
	}
	a.partition(f.Origin().Source, f.PartitionDate())
}

func appendLabel(a *rowAppender, r *ReviewLabel) {
	a.str(r.LabelID)
	a.ts(r.LabeledAt)
	a.str(r.AccountID)
	a.optStr(r.Workflow)
	a.optStr(r.CaseID)
	a.optStr(r.ReviewerID)
	a.str(r.Verdict)
	a.optStr(r.FailureCategory)
	a.optStr(r.FeedbackText)
	a.optStr(r.IncorporatedAs)
}

func appendCost(a *rowAppender, r *CostLine) {
	a.str(r.LineID)
	a.ts(r.ChargePeriodStart)
	a.ts(r.ChargePeriodEnd)
	a.str(r.AccountID)
	a.optStr(r.Provider)
	a.optStr(r.Service)
	a.optStr(r.SKU)
	a.str(r.ChargeCategory)
	a.optMoney(r.ConsumedQuantity)
	a.optStr(r.ConsumedUnit)
	a.money(r.BilledCost)
	a.money(r.EffectiveCost)
	a.str(r.Currency)
	a.boolean(r.CommitmentPurchase)
}

func appendIncident(a *rowAppender, r *Incident) {
	a.str(r.IncidentID)
	a.str(r.AccountID)
	a.str(r.Severity)
	a.ts(r.OpenedAt)
	a.ts(r.AcknowledgedAt)
	a.ts(r.ResolvedAt)
	a.str(r.Status)
	a.optStr(r.Title)
	a.optStr(r.Service)
	a.optStr(r.Workflow)
	a.optStr(r.PostmortemURL)
}

func (a *rowAppender) strBytes(v []byte) { a.next().(*array.StringBuilder).BinaryBuilder.Append(v) }

func (a *rowAppender) optStrBytes(v []byte) {
	b := a.next().(*array.StringBuilder)
	if len(v) == 0 {
		b.AppendNull()
		return
	}
	b.BinaryBuilder.Append(v)
}

// appendEncoded appends the fact that spillEncoder.fact wrote to body as
// one row to b, with the values AppendFact would append for the decoded
// fact, without allocating the fact. The origin is skipped, because the
// partition's source and date are the same for every row and are given.
func appendEncoded(b *array.RecordBuilder, d *spillDecoder, body []byte, source string, dt arrow.Date32) error {
	d.buf, d.err = body, nil
	a := &rowAppender{b: b}
	tag := d.bytes(1)
	if len(tag) != 1 {
		return errCorruptSpill
	}
	d.uvarint() // origin source
	d.uvarint() // origin file
	d.varint()  // origin record
	switch tag[0] {
	case tagUsage:
		appendEncodedUsage(a, d)
	case tagLabel:
		appendEncodedLabel(a, d)
	case tagCost:
		appendEncodedCost(a, d)
	case tagIncident:
		appendEncodedIncident(a, d)
	default:
		return fmt.Errorf("%w: unknown type tag %d", errCorruptSpill, tag[0])
	}
	if d.err == nil && len(d.buf) != 0 {
		d.fail()
	}
	if d.err != nil {
		return d.err
	}
	a.str(source)
	a.next().(*array.Date32Builder).Append(dt)
	return nil
}

func appendEncodedUsage(a *rowAppender, d *spillDecoder) {
	a.strBytes(d.strBytes())    // EventID
	a.ts(d.ts())                // OccurredAt
	a.strBytes(d.strBytes())    // AccountID
	a.optStrBytes(d.strBytes()) // Workflow
	a.optStrBytes(d.strBytes()) // CaseID
	a.optStrBytes(d.strBytes()) // UserID
	a.strBytes(d.strBytes())    // EventType
	a.optStrBytes(d.strBytes()) // AutonomyLevel
	a.optFloat(d.optFloat())    // HandleTimeSeconds
}

func appendEncodedLabel(a *rowAppender, d *spillDecoder) {
	a.strBytes(d.strBytes())    // LabelID
	a.ts(d.ts())                // LabeledAt
	d.ts()                      // UpdatedAt, not a column
	a.strBytes(d.strBytes())    // AccountID
	a.optStrBytes(d.strBytes()) // Workflow
	a.optStrBytes(d.strBytes()) // CaseID
	a.optStrBytes(d.strBytes()) // ReviewerID
	a.strBytes(d.strBytes())    // Verdict
	a.optStrBytes(d.strBytes()) // FailureCategory
	a.optStrBytes(d.strBytes()) // FeedbackText
	a.optStrBytes(d.strBytes()) // IncorporatedAs
}

func appendEncodedCost(a *rowAppender, d *spillDecoder) {
	a.strBytes(d.strBytes())    // LineID
	a.ts(d.ts())                // ChargePeriodStart
	a.ts(d.ts())                // ChargePeriodEnd
	a.strBytes(d.strBytes())    // AccountID
	a.optStrBytes(d.strBytes()) // Provider
	a.optStrBytes(d.strBytes()) // Service
	a.optStrBytes(d.strBytes()) // SKU
	a.strBytes(d.strBytes())    // ChargeCategory
	a.optMoney(d.optDec())      // ConsumedQuantity
	a.optStrBytes(d.strBytes()) // ConsumedUnit
	a.money(d.dec())            // BilledCost
	a.money(d.dec())            // EffectiveCost
	a.strBytes(d.strBytes())    // Currency
	a.boolean(d.boolean())      // CommitmentPurchase
}

func appendEncodedIncident(a *rowAppender, d *spillDecoder) {
	a.strBytes(d.strBytes())    // IncidentID
	a.strBytes(d.strBytes())    // AccountID
	a.strBytes(d.strBytes())    // Severity
	a.ts(d.ts())                // OpenedAt
	a.ts(d.ts())                // AcknowledgedAt
	a.ts(d.ts())                // ResolvedAt
	d.ts()                      // UpdatedAt, not a column
	a.strBytes(d.strBytes())    // Status
	a.optStrBytes(d.strBytes()) // Title
	a.optStrBytes(d.strBytes()) // Service
	a.optStrBytes(d.strBytes()) // Workflow
	a.optStrBytes(d.strBytes()) // PostmortemURL
}
