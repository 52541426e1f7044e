package transforms

import (
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
