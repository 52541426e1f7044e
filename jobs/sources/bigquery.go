package sources

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"
	"cloud.google.com/go/civil"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// billingLateDays is how many days after the window the partitions of
// the billing export are scanned, because Google exports a day's usage
// over the following days.
// NOTE: an estimate. Lines exported later than this are missed until a run
// with a later window covers their partition.
const billingLateDays = 5

// billingQuery selects the GCP cost lines of the window from a
// gcp_billing_export_v1_* table, scanning only its ingestion-time
// partitions from the window's start to billingLateDays after its end.
const billingQuery = `SELECT
  cost, currency, usage_start_time, usage_end_time,
  service.description AS service, sku.description AS sku, project.id AS project_id,
  cost_type, usage.amount AS usage_amount, usage.unit AS usage_unit,
  TO_JSON_STRING(labels) AS labels,
  (SELECT SUM(c.amount) FROM UNNEST(credits) AS c) AS credits
FROM %s
WHERE DATE(_PARTITIONTIME) BETWEEN @from AND DATE_ADD(@to, INTERVAL %d DAY)
  AND usage_start_time >= @start AND usage_start_time < @end
ORDER BY usage_start_time, project_id, service, sku, cost`

// bigQueryBilling reads the Cloud Billing export of BigQuery and maps each
// line through the jsonl cost mapping.
type bigQueryBilling struct {
	src  config.Source
	opts Options
}

func newBigQueryBilling(src config.Source, opts Options) (*bigQueryBilling, error) {
	return &bigQueryBilling{src: src, opts: opts}, nil
}

// Extract runs the query and maps each line.
func (b *bigQueryBilling) Extract(ctx context.Context, sink transforms.Sink) (*Report, error) {
	l := b.src.Location
	var clientOpts []option.ClientOption
	if l.Endpoint != "" {
		clientOpts = append(clientOpts, option.WithEndpoint(l.Endpoint), option.WithoutAuthentication())
	}
	client, err := bigquery.NewClient(ctx, l.Project, clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("source %s: create BigQuery client: %w", b.src.Name, err)
	}
	defer client.Close()
	q := client.Query(fmt.Sprintf(billingQuery, "`"+l.Table+"`", billingLateDays))
	from, to := utcDay(b.opts.From), utcDay(b.opts.To)
	q.Parameters = []bigquery.QueryParameter{
		{Name: "from", Value: civil.DateOf(from)}, {Name: "to", Value: civil.DateOf(to)},
		{Name: "start", Value: from}, {Name: "end", Value: dayAfter(to)},
	}
	it, err := q.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("source %s: query %s: %w", b.src.Name, l.Table, err)
	}
	return b.read(ctx, it, sink)
}

func (b *bigQueryBilling) read(ctx context.Context, it *bigquery.RowIterator, sink transforms.Sink) (*Report, error) {
	endpoint := "bigquery:" + b.src.Location.Table
	stream, err := extract.NewRecordStream(ctx, b.src, endpoint, sink)
	if err != nil {
		return nil, err
	}
	hashed := newFetchHash()
	for {
		var row map[string]bigquery.Value
		err := it.Next(&row)
		if err == iterator.Done {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("source %s: read %s: %w", b.src.Name, endpoint, err)
		}
		raw, err := json.Marshal(BillingLine(row))
		if err != nil {
			return nil, fmt.Errorf("source %s: encode billing line: %w", b.src.Name, err)
		}
		hashed.Write(append(raw, '\n'))
		if err := stream.Add(raw); err != nil {
			return nil, err
		}
	}
	fetch := Fetch{Source: b.src.Name, Endpoint: endpoint, Rows: stream.Records(), Bytes: hashed.bytes, SHA256: hashed.sum()}
	return &Report{Records: stream.Records(), Fetches: []Fetch{fetch}}, nil
}

// BillingLine maps one row of billingQuery to the cost fact columns that
// the jsonl mapping reads. Labels become the tags object, so a label such
// as customer attributes the line; the project id is the sub-account.
// Effective cost is the cost plus the (negative) credits.
func BillingLine(row map[string]bigquery.Value) map[string]any {
	cost := decimalText(row["cost"])
	line := map[string]any{
		"provider":            "Google Cloud",
		"charge_period_start": timeText(row["usage_start_time"]),
		"charge_period_end":   timeText(row["usage_end_time"]),
		"service":             row["service"],
		"sku":                 row["sku"],
		"sub_account_id":      row["project_id"],
		"charge_category":     chargeCategory(row["cost_type"]),
		"consumed_quantity":   decimalText(row["usage_amount"]),
		"consumed_unit":       row["usage_unit"],
		"billed_cost":         cost,
		"effective_cost":      addDecimalText(cost, decimalText(row["credits"])),
		"currency":            row["currency"],
		"tags":                labelTags(row["labels"]),
	}
	return line
}

// chargeCategory maps the export's cost_type to a FOCUS charge category.
func chargeCategory(v bigquery.Value) string {
	switch s, _ := v.(string); s {
	case "tax":
		return "Tax"
	case "adjustment", "rounding_error":
		return "Adjustment"
	}
	return "Usage"
}

// labelTags turns the labels array [{key, value}] into a tags object.
func labelTags(v bigquery.Value) any {
	s, _ := v.(string)
	var labels []struct{ Key, Value string }
	if s == "" || json.Unmarshal([]byte(s), &labels) != nil || len(labels) == 0 {
		return nil
	}
	tags := make(map[string]string, len(labels))
	for _, l := range labels {
		tags[l.Key] = l.Value
	}
	return tags
}

// decimalText formats a FLOAT64 or NUMERIC cell as decimal text.
// NOTE: the billing export stores cost as FLOAT64, so its amounts carry
// the float's rounding before they become decimals here.
func decimalText(v bigquery.Value) any {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case *big.Rat:
		// NUMERIC and BIGNUMERIC have at most 38 decimal places, so this
		// is exact. The default formatting of a big.Rat is a fraction.
		return strings.TrimRight(strings.TrimRight(x.FloatString(38), "0"), ".")
	case nil:
		return nil
	}
	return fmt.Sprint(v)
}

// addDecimalText adds two decimal texts exactly, returning a when b is
// missing.
func addDecimalText(a, b any) any {
	as, okA := a.(string)
	bs, okB := b.(string)
	if !okA || !okB {
		return a
	}
	sum, ok := sumDecimals(as, bs)
	if !ok {
		return a
	}
	return sum
}

func timeText(v bigquery.Value) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// sumDecimals adds two decimal numbers given as text.
func sumDecimals(a, b string) (string, bool) {
	x, okX := parseDecimal(a)
	y, okY := parseDecimal(b)
	if !okX || !okY {
		return "", false
	}
	return x.Add(y).String(), true
}
