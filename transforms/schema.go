package transforms

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Arrow types shared by the fact schemas.
var (
	timestampUTC = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	moneyType    = &arrow.Decimal128Type{Precision: MoneyPrecision, Scale: MoneyScale}
)

func field(name string, t arrow.DataType, nullable bool) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: nullable}
}

func str(name string) arrow.Field    { return field(name, arrow.BinaryTypes.String, false) }
func optStr(name string) arrow.Field { return field(name, arrow.BinaryTypes.String, true) }
func ts(name string) arrow.Field     { return field(name, timestampUTC, false) }
func optTS(name string) arrow.Field  { return field(name, timestampUTC, true) }
func partition() []arrow.Field {
	return []arrow.Field{str("source"), field("dt", arrow.FixedWidthTypes.Date32, false)}
}
func withPartition(f ...arrow.Field) []arrow.Field { return append(f, partition()...) }

// UsageSchema is the Arrow schema of usage_events.
var UsageSchema = arrow.NewSchema(withPartition(
	str("event_id"), ts("occurred_at"), str("account_id"), optStr("workflow"),
	optStr("case_id"), optStr("user_id"), str("event_type"), optStr("autonomy_level"),
	field("handle_time_seconds", arrow.PrimitiveTypes.Float64, true),
), nil)

// LabelsSchema is the Arrow schema of review_labels.
var LabelsSchema = arrow.NewSchema(withPartition(
	str("label_id"), ts("labeled_at"), str("account_id"), optStr("workflow"),
	optStr("case_id"), optStr("reviewer_id"), str("verdict"), optStr("failure_category"),
	optStr("feedback_text"), optStr("incorporated_as"),
), nil)

// CostsSchema is the Arrow schema of cost_lines.
var CostsSchema = arrow.NewSchema(withPartition(
	str("line_id"), ts("charge_period_start"), ts("charge_period_end"), str("account_id"),
	optStr("provider"), optStr("service"), optStr("sku"), str("charge_category"),
	field("consumed_quantity", moneyType, true), optStr("consumed_unit"),
	field("billed_cost", moneyType, false), field("effective_cost", moneyType, false),
	str("currency"), field("commitment_purchase", arrow.FixedWidthTypes.Boolean, false),
), nil)

// IncidentsSchema is the Arrow schema of incidents.
var IncidentsSchema = arrow.NewSchema(withPartition(
	str("incident_id"), str("account_id"), str("severity"), ts("opened_at"),
	optTS("acknowledged_at"), optTS("resolved_at"), str("status"), optStr("title"),
	optStr("service"), optStr("workflow"), optStr("postmortem_url"),
), nil)

// Tables lists the fact tables in load order.
var Tables = []string{TableUsage, TableLabels, TableCosts, TableIncidents}

// SchemaOf returns the Arrow schema of a fact table.
func SchemaOf(table string) (*arrow.Schema, error) {
	switch table {
	case TableUsage:
		return UsageSchema, nil
	case TableLabels:
		return LabelsSchema, nil
	case TableCosts:
		return CostsSchema, nil
	case TableIncidents:
		return IncidentsSchema, nil
	}
	return nil, fmt.Errorf("transforms: unknown table %q", table)
}

// TableOfKind returns the fact table a source kind loads into.
func TableOfKind(kind string) (string, error) {
	switch kind {
	case "usage":
		return TableUsage, nil
	case "labels":
		return TableLabels, nil
	case "costs":
		return TableCosts, nil
	case "incidents":
		return TableIncidents, nil
	}
	return "", fmt.Errorf("transforms: unknown source kind %q", kind)
}
