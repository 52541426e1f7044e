// Package transforms defines the fact schemas of the evidence warehouse and
// turns typed fact rows into Arrow record batches and Parquet files.
package transforms

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Table names of the facts, as they appear in the Parquet layout and in the
// warehouse.
const (
	TableUsage     = "usage_events"
	TableLabels    = "review_labels"
	TableCosts     = "cost_lines"
	TableIncidents = "incidents"
)

// Unattributed is the reserved account id of cost lines that no attribution
// rule assigns to a customer account.
const Unattributed = "unattributed"

// Fact is one typed row of a fact table. Empty strings and zero times are
// written as NULL in nullable columns.
type Fact interface {
	// Table returns the fact table the row belongs to.
	Table() string
	// Key returns the fact key that duplicates are detected on.
	Key() string
	// PartitionDate returns the UTC date of the row's partition.
	PartitionDate() time.Time
	// Version orders rows that share a key: the row with the greatest
	// version is kept. Ties keep the row read last.
	Version() time.Time
	// Origin returns the source name, file and 1-based record number the
	// row came from.
	Origin() Origin
}

// Origin locates the input record a fact or reject came from.
type Origin struct {
	Source string // configured source name
	File   string // input file path
	Record int64  // 1-based record number within the file
}

// UsageEvent is one product usage event.
type UsageEvent struct {
	From              Origin
	EventID           string
	OccurredAt        time.Time
	AccountID         string
	Workflow          string
	CaseID            string
	UserID            string
	EventType         string
	AutonomyLevel     string
	HandleTimeSeconds *float64
}

// ReviewLabel is one human review verdict on an AI output.
type ReviewLabel struct {
	From            Origin
	LabelID         string
	LabeledAt       time.Time
	UpdatedAt       time.Time // orders duplicate labels; zero means LabeledAt
	AccountID       string
	Workflow        string
	CaseID          string
	ReviewerID      string
	Verdict         string
	FailureCategory string
	FeedbackText    string
	IncorporatedAs  string
}

// CostLine is one line of a cost export, attributed to an account.
type CostLine struct {
	From               Origin
	LineID             string
	ChargePeriodStart  time.Time
	ChargePeriodEnd    time.Time
	AccountID          string
	Provider           string
	Service            string
	SKU                string
	ChargeCategory     string
	ConsumedQuantity   *decimal128.Num // scale QuantityScale; nil is NULL
	ConsumedUnit       string
	BilledCost         decimal128.Num // scale MoneyScale
	EffectiveCost      decimal128.Num // scale MoneyScale
	Currency           string
	CommitmentPurchase bool // a purchase row whose cost is spread over covered usage
}

// Incident is one incident as it affects one account.
type Incident struct {
	From           Origin
	IncidentID     string
	AccountID      string
	Severity       string
	OpenedAt       time.Time
	AcknowledgedAt time.Time
	ResolvedAt     time.Time
	UpdatedAt      time.Time // orders duplicate incidents; zero means OpenedAt
	Status         string
	Title          string
	Service        string
	Workflow       string
	PostmortemURL  string
}

// Table returns usage_events.
func (e *UsageEvent) Table() string { return TableUsage }

// Key returns the event id.
func (e *UsageEvent) Key() string { return e.EventID }

// PartitionDate returns the UTC date the event occurred on.
func (e *UsageEvent) PartitionDate() time.Time { return utcDate(e.OccurredAt) }

// Version returns the time the event occurred.
func (e *UsageEvent) Version() time.Time { return e.OccurredAt }

// Origin returns where the event was read.
func (e *UsageEvent) Origin() Origin { return e.From }

// Table returns review_labels.
func (l *ReviewLabel) Table() string { return TableLabels }

// Key returns the label id.
func (l *ReviewLabel) Key() string { return l.LabelID }

// PartitionDate returns the UTC date the label was given.
func (l *ReviewLabel) PartitionDate() time.Time { return utcDate(l.LabeledAt) }

// Version returns the last update time, or the label time.
func (l *ReviewLabel) Version() time.Time {
	if l.UpdatedAt.IsZero() {
		return l.LabeledAt
	}
	return l.UpdatedAt
}

// Origin returns where the label was read.
func (l *ReviewLabel) Origin() Origin { return l.From }

// Table returns cost_lines.
func (c *CostLine) Table() string { return TableCosts }

// Key returns the line id.
func (c *CostLine) Key() string { return c.LineID }

// PartitionDate returns the UTC date the charge period starts on.
func (c *CostLine) PartitionDate() time.Time { return utcDate(c.ChargePeriodStart) }

// Version returns the charge period start; restated lines replace whole
// partitions instead of competing on version.
func (c *CostLine) Version() time.Time { return c.ChargePeriodStart }

// Origin returns where the line was read.
func (c *CostLine) Origin() Origin { return c.From }

// Table returns incidents.
func (i *Incident) Table() string { return TableIncidents }

// Key returns the incident id and the affected account.
func (i *Incident) Key() string { return i.IncidentID + "\x00" + i.AccountID }

// PartitionDate returns the UTC date the incident was opened.
func (i *Incident) PartitionDate() time.Time { return utcDate(i.OpenedAt) }

// Version returns the last update time, or the open time.
func (i *Incident) Version() time.Time {
	if i.UpdatedAt.IsZero() {
		return i.OpenedAt
	}
	return i.UpdatedAt
}

// Origin returns where the incident was read.
func (i *Incident) Origin() Origin { return i.From }

func utcDate(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
}
