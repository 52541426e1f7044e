package sources

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/bigquery"
	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/config"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/transforms"
)

func TestBillingLineMapsExportRow(t *testing.T) {
	start := time.Date(2026, 7, 1, 10, 0, 0, 0, time.FixedZone("PDT", -7*3600))
	row := map[string]bigquery.Value{
		"cost": 12.5, "currency": "USD",
		"usage_start_time": start, "usage_end_time": start.Add(time.Hour),
		"service": "Vertex AI", "sku": "Gemini input tokens", "project_id": "acme-prod",
		"cost_type": "regular", "usage_amount": 1500000.0, "usage_unit": "count",
		"labels":  `[{"key":"customer","value":"northwind"},{"key":"env","value":"prod"}]`,
		"credits": -2.25,
	}
	line := BillingLine(row)

	want := map[string]any{
		"provider":            "Google Cloud",
		"charge_period_start": "2026-07-01T17:00:00Z",
		"charge_period_end":   "2026-07-01T18:00:00Z",
		"service":             "Vertex AI",
		"sku":                 "Gemini input tokens",
		"sub_account_id":      "acme-prod",
		"charge_category":     "Usage",
		"consumed_quantity":   "1500000",
		"consumed_unit":       "count",
		"billed_cost":         "12.5",
		"effective_cost":      "10.25",
		"currency":            "USD",
	}
	for key, value := range want {
		if line[key] != value {
			t.Errorf("%s = %#v, want %#v", key, line[key], value)
		}
	}
	tags, ok := line["tags"].(map[string]string)
	if !ok || tags["customer"] != "northwind" || tags["env"] != "prod" {
		t.Errorf("tags = %#v, want the labels as an object", line["tags"])
	}
}

func TestBillingLineCostTypesAndNulls(t *testing.T) {
	cases := []struct {
		costType string
		category string
	}{
		{"regular", "Usage"},
		{"tax", "Tax"},
		{"adjustment", "Adjustment"},
		{"rounding_error", "Adjustment"},
		{"", "Usage"},
	}
	for _, c := range cases {
		line := BillingLine(map[string]bigquery.Value{"cost": 0.1, "cost_type": c.costType})
		if line["charge_category"] != c.category {
			t.Errorf("cost_type %q: charge_category %v, want %s", c.costType, line["charge_category"], c.category)
		}
	}

	line := BillingLine(map[string]bigquery.Value{"cost": 0.1, "credits": nil, "labels": "[]", "usage_amount": nil})
	if line["effective_cost"] != "0.1" {
		t.Errorf("effective_cost %#v without credits, want the cost 0.1", line["effective_cost"])
	}
	if line["tags"] != nil {
		t.Errorf("tags %#v for no labels, want nil", line["tags"])
	}
	if line["consumed_quantity"] != nil {
		t.Errorf("consumed_quantity %#v for a NULL usage amount, want nil", line["consumed_quantity"])
	}
	// Adding the credits is exact in decimal, where float64 gives
	// 0.30000000000000004.
	line = BillingLine(map[string]bigquery.Value{"cost": 0.1, "credits": 0.2})
	if line["effective_cost"] != "0.3" {
		t.Errorf("effective_cost %#v, want 0.3", line["effective_cost"])
	}
}

// billingSchema is the result schema of billingQuery.
var billingSchema = &bq.TableSchema{Fields: []*bq.TableFieldSchema{
	{Name: "cost", Type: "FLOAT"}, {Name: "currency", Type: "STRING"},
	{Name: "usage_start_time", Type: "TIMESTAMP"}, {Name: "usage_end_time", Type: "TIMESTAMP"},
	{Name: "service", Type: "STRING"}, {Name: "sku", Type: "STRING"}, {Name: "project_id", Type: "STRING"},
	{Name: "cost_type", Type: "STRING"}, {Name: "usage_amount", Type: "FLOAT"}, {Name: "usage_unit", Type: "STRING"},
	{Name: "labels", Type: "STRING"}, {Name: "credits", Type: "FLOAT"},
}}

func TestBigQueryBillingThroughFake(t *testing.T) {
	srv := bqfake.New()
	defer srv.Close()
	var gotQuery string
	var gotParams []*bq.QueryParameter
	srv.QueryResult = func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		gotQuery, gotParams = query, params
		// TIMESTAMP cells are microseconds since the epoch, as the REST
		// API sends them when the client sets useInt64Timestamp.
		return billingSchema, [][]any{
			{"12.5", "USD", "1782900000000000", "1782903600000000", "Vertex AI", "Gemini input tokens", "acme-prod",
				"regular", "1500000", "count", `[{"key":"customer","value":"northwind"}]`, "-2.25"},
			{"0.75", "USD", "1782986400000000", "1782990000000000", "Cloud Storage", "Standard storage", "acme-prod",
				"tax", nil, nil, "[]", nil},
		}
	}
	src := config.Source{Name: "gcp_bill", Kind: "costs", Format: "jsonl",
		Attribution: config.Attribution{TagKey: "customer", SubAccounts: map[string]string{"acme-prod": "contoso"}},
		Location: config.Location{Type: config.LocationBigQueryBilling, Project: "acme-billing",
			Table: "acme-billing.billing.gcp_billing_export_v1_0123", Endpoint: srv.Endpoint()}}
	opts := Options{From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)}
	s, err := Open(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	report, err := s.Extract(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}

	if !strings.Contains(gotQuery, "FROM `acme-billing.billing.gcp_billing_export_v1_0123`") {
		t.Errorf("query does not read the export table:\n%s", gotQuery)
	}
	if !strings.Contains(gotQuery, "INTERVAL 5 DAY") {
		t.Errorf("query does not scan the late partitions:\n%s", gotQuery)
	}
	params := map[string]string{}
	for _, p := range gotParams {
		params[p.Name] = p.ParameterValue.Value
	}
	wantParams := map[string]string{"from": "2026-07-01", "to": "2026-07-02",
		"start": "2026-07-01 00:00:00", "end": "2026-07-03 00:00:00"}
	for name, value := range wantParams {
		if !strings.HasPrefix(params[name], value) {
			t.Errorf("parameter %s = %q, want %s", name, params[name], value)
		}
	}

	if len(sink.rejects) != 0 {
		t.Fatalf("rejects %v, want none", sink.rejects)
	}
	if len(sink.facts) != 2 {
		t.Fatalf("facts %d, want 2", len(sink.facts))
	}
	first := sink.facts[0].(*transforms.CostLine)
	if first.AccountID != "northwind" {
		t.Errorf("first line account %q, want northwind from the customer label", first.AccountID)
	}
	if first.ChargePeriodStart != time.Unix(1782900000, 0).UTC() {
		t.Errorf("first line start %v, want %v", first.ChargePeriodStart, time.Unix(1782900000, 0).UTC())
	}
	if first.Provider != "Google Cloud" || first.Service != "Vertex AI" {
		t.Errorf("first line provider %q service %q", first.Provider, first.Service)
	}
	second := sink.facts[1].(*transforms.CostLine)
	if second.AccountID != "contoso" || second.ChargeCategory != "Tax" {
		t.Errorf("second line account %q category %q, want contoso from the project and Tax", second.AccountID, second.ChargeCategory)
	}
	if first.LineID == "" || first.LineID == second.LineID {
		t.Errorf("line ids %q and %q, want distinct ids", first.LineID, second.LineID)
	}

	fetch := report.Fetches[0]
	if fetch.Endpoint != "bigquery:acme-billing.billing.gcp_billing_export_v1_0123" || fetch.Rows != 2 {
		t.Errorf("fetch %+v, want 2 rows of the export table", fetch)
	}
	if len(fetch.SHA256) != 64 || fetch.Bytes == 0 {
		t.Errorf("fetch sha256 %q bytes %d, want the hash of the lines read", fetch.SHA256, fetch.Bytes)
	}
}

func TestBillingLineNumericCells(t *testing.T) {
	cases := []struct {
		cell string
		want string
	}{
		{"12.345678901", "12.345678901"},
		{"-0.25", "-0.25"},
		{"40", "40"},
		{"0", "0"},
	}
	for _, c := range cases {
		value, ok := new(big.Rat).SetString(c.cell)
		if !ok {
			t.Fatalf("parse %s", c.cell)
		}
		line := BillingLine(map[string]bigquery.Value{"cost": value})
		if line["billed_cost"] != c.want {
			t.Errorf("NUMERIC %s: billed_cost %#v, want %q", c.cell, line["billed_cost"], c.want)
		}
	}
}
