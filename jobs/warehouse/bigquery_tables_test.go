package warehouse_test

import (
	"context"
	"strings"
	"testing"

	"evidencepack/jobs/warehouse"
)

func TestBigQueryEnsureTablesPartitioned(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{PartitionExpiration: 400 * 24 * 3600e9, RequirePartitionFilter: true})
	if err := w.EnsureTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	tbl := srv.Table(testDataset, "usage_events")
	if tbl == nil {
		t.Fatal("usage_events not created")
	}
	tp := tbl.TimePartitioning
	if tp == nil || tp.Field != "dt" || tp.Type != "DAY" {
		t.Fatalf("time partitioning = %s, want DAY on dt", jsonOf(tp))
	}
	if tp.ExpirationMs != 400*24*3600*1000 {
		t.Errorf("partition expiration = %d ms", tp.ExpirationMs)
	}
	if tbl.Clustering == nil || strings.Join(tbl.Clustering.Fields, ",") != "account_id" {
		t.Errorf("clustering = %s, want [account_id]", jsonOf(tbl.Clustering))
	}
	if !tbl.RequirePartitionFilter {
		t.Error("requirePartitionFilter not set")
	}
	if f := findField(tbl.Schema.Fields, "event_id"); f == nil || f.Mode != "REQUIRED" || f.Description == "" {
		t.Errorf("event_id = %s, want REQUIRED with a description", jsonOf(f))
	}
	if f := findField(tbl.Schema.Fields, "handle_time_seconds"); f == nil || !nullable(f) || f.Type != "FLOAT" {
		t.Errorf("handle_time_seconds = %s, want NULLABLE FLOAT", jsonOf(f))
	}
	if f := findField(tbl.Schema.Fields, "dt"); f == nil || f.Type != "DATE" {
		t.Errorf("dt = %s, want DATE", jsonOf(f))
	}
	if f := findField(tbl.Schema.Fields, "occurred_at"); f == nil || f.Type != "TIMESTAMP" {
		t.Errorf("occurred_at = %s, want TIMESTAMP", jsonOf(f))
	}
}

func TestBigQueryMoneyIsBigNumeric(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	if err := w.EnsureTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	fields := srv.Table(testDataset, "cost_lines").Schema.Fields
	billed := findField(fields, "billed_cost")
	if billed == nil || billed.Type != "BIGNUMERIC" || billed.Precision != 38 || billed.Scale != 18 {
		t.Errorf("billed_cost = %s, want BIGNUMERIC(38,18)", jsonOf(billed))
	}
	if billed != nil && billed.Mode != "REQUIRED" {
		t.Errorf("billed_cost mode = %s, want REQUIRED", billed.Mode)
	}
	if q := findField(fields, "consumed_quantity"); q == nil || !nullable(q) {
		t.Errorf("consumed_quantity = %s, want NULLABLE", jsonOf(q))
	}
	acv := findField(srv.Table(testDataset, "accounts").Schema.Fields, "annual_contract_value")
	if acv == nil || acv.Type != "BIGNUMERIC" || acv.Scale != 18 {
		t.Errorf("annual_contract_value = %s, want BIGNUMERIC scale 18", jsonOf(acv))
	}
}

func TestBigQueryEnsureTablesUnpartitionedDimensions(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	if err := w.EnsureTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"accounts", "account_workflows", "pack_settings", "runs"} {
		tbl := srv.Table(testDataset, name)
		if tbl == nil {
			t.Errorf("%s not created", name)
			continue
		}
		if tbl.TimePartitioning != nil {
			t.Errorf("%s is partitioned", name)
		}
	}
}

func TestBigQueryPlanWritesNothing(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	changes, err := w.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]bool{}
	for _, c := range changes {
		if c.Action != "create table" {
			t.Errorf("plan of an empty dataset has %s", c)
		}
		created[c.Table] = true
	}
	for _, table := range []string{"usage_events", "review_labels", "cost_lines", "incidents", "accounts",
		"account_workflows", "pack_settings", "runs", "source_state", "check_results", "source_freshness"} {
		if !created[table] {
			t.Errorf("plan does not create %s: %v", table, changes)
		}
	}
	if len(changes) != len(created) {
		t.Errorf("plan has %d changes for %d tables: %v", len(changes), len(created), changes)
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("plan sent %s %s", r.Method, r.Path)
		}
	}
}

func TestBigQueryPlanAddsMissingColumn(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	tbl := srv.Table(testDataset, "accounts")
	tbl.Schema.Fields = tbl.Schema.Fields[:len(tbl.Schema.Fields)-1]
	changes, err := w.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].String() != "add column time_zone to accounts" {
		t.Fatalf("plan = %v, want time_zone added to accounts", changes)
	}
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	if f := findField(srv.Table(testDataset, "accounts").Schema.Fields, "time_zone"); f == nil {
		t.Error("time_zone not added")
	}
}

func TestBigQueryPlanRejectsTypeChange(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	findField(srv.Table(testDataset, "cost_lines").Schema.Fields, "billed_cost").Type = "NUMERIC"
	_, err := w.Plan(ctx)
	if err == nil || !strings.Contains(err.Error(), "billed_cost is NUMERIC") {
		t.Fatalf("plan error = %v, want billed_cost type named", err)
	}
}

func TestColumnNameMapping(t *testing.T) {
	cases := map[string]string{
		"event_id": "event_id", "Cost (USD)": "Cost__USD_", "1st": "_1st", "naïve": "na_ve",
		strings.Repeat("a", 310): strings.Repeat("a", 300),
	}
	for in, want := range cases {
		got, err := warehouse.ColumnName(in)
		if err != nil || got != want {
			t.Errorf("ColumnName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := warehouse.ColumnName("_PARTITIONTIME"); err == nil {
		t.Error("reserved prefix accepted")
	}
}

func TestColumnNameCollision(t *testing.T) {
	err := warehouse.CheckColumnNames("usage_events", []string{"dt", "account_id", "DT"})
	if err == nil || !strings.Contains(err.Error(), `"dt" and "DT"`) {
		t.Fatalf("error = %v, want the two colliding names", err)
	}
	if err := warehouse.CheckColumnNames("t", []string{"a b"}); err == nil {
		t.Error("a name the mapping changes was accepted")
	}
}
