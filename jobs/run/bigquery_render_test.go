package run

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
)

// packRows returns the results of the pack queries on the fake BigQuery:
// the accounts of cfg, one pack_settings row, one account_metrics row and
// one open incident of the first account, and a successful run. Other
// views return no rows. The contract and check steps find no earlier run
// and no failing rows.
func packRows(cfg *config.Config) func(string, []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
	fields := func(spec ...string) *bq.TableSchema {
		s := &bq.TableSchema{}
		for i := 0; i < len(spec); i += 2 {
			s.Fields = append(s.Fields, &bq.TableFieldSchema{Name: spec[i], Type: spec[i+1]})
		}
		return s
	}
	first := cfg.Accounts[0].ID
	return func(query string, _ []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		if schema, rows, ok := (stepResults{}).result(query); ok {
			return schema, rows
		}
		view := firstView(query)
		switch {
		case view == "pack_settings" && strings.Contains(query, "COUNT(*)"):
			return fields("n", "INTEGER"), [][]any{{1}}
		case view == "pack_settings":
			return packSettingsRow(query)
		case view == "accounts":
			var rows [][]any
			for _, a := range cfg.Accounts {
				rows = append(rows, []any{a.ID, a.Name, a.Currency, a.LearningPermitted})
			}
			return fields("account_id", "STRING", "name", "STRING", "currency", "STRING", "learning", "BOOLEAN"), rows
		case view == "account_metrics":
			return metricsSchema(), [][]any{{first, true, 42, 40, 2, 1.5, 0.25, "1234.500000000000000000",
				10, 0.9, 7, 1, nil, "99.990000000000000000", "120.000000000000000000", "0", "2.499750000000000000",
				1, 0, 1, 0, 0, 0, 1, nil}}
		case view == "incident_periods":
			return fields("account_id", "STRING", "incident_id", "STRING", "severity", "STRING",
					"opened_at", "TIMESTAMP", "resolved_at", "TIMESTAMP", "status", "STRING",
					"service", "STRING", "workflow", "STRING"),
				[][]any{{first, "INC-1", "sev2", 1782993600000000, nil, "triggered", "api", ""}}
		case view == "account_periods":
			return fields("account_id", "STRING"), [][]any{{first}}
		case view == "runs":
			return fields("run_id", "STRING", "date_to", "STRING", "inputs", "STRING", "views", "STRING"),
				[][]any{{"run-fake", "2026-07-03", "in-sha", "views-sha"}}
		}
		return nil, nil
	}
}

// firstView returns the name of the first table or view that query
// reads, so that a join with accounts is not taken for a read of it.
func firstView(query string) string {
	const prefix = "FROM `acme-prod.evidence."
	_, rest, ok := strings.Cut(query, prefix)
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "`")
	return name
}

// packSettingsRow returns the pack_settings columns that query selects, in
// the order it selects them, so the hook follows the renderer when it
// reads more columns.
func packSettingsRow(query string) (*bq.TableSchema, [][]any) {
	columns := []struct {
		name, typ string
		value     any
	}{
		{"verification_window_days", "INTEGER", 7},
		// 2026-07-04T00:00:00Z in microseconds since the epoch.
		{"data_through", "TIMESTAMP", 1783123200000000},
		{"min_reviewed_cases", "INTEGER", 20},
		{"min_review_accuracy", "FLOAT", 0.9},
		{"max_sev1_incidents", "INTEGER", 0},
		{"max_incidents", "INTEGER", 3},
		{"min_usage_growth", "FLOAT", 0.1},
	}
	sort.SliceStable(columns, func(i, j int) bool {
		return strings.Index(query, columns[i].name) < strings.Index(query, columns[j].name)
	})
	schema := &bq.TableSchema{}
	var row []any
	for _, c := range columns {
		if strings.Contains(query, c.name) {
			schema.Fields = append(schema.Fields, &bq.TableFieldSchema{Name: c.name, Type: c.typ})
			row = append(row, c.value)
		}
	}
	return schema, [][]any{row}
}

func metricsSchema() *bq.TableSchema {
	types := []string{"STRING", "BOOLEAN", "INTEGER", "INTEGER", "INTEGER", "FLOAT", "FLOAT", "BIGNUMERIC",
		"INTEGER", "FLOAT", "INTEGER", "INTEGER", "INTEGER", "BIGNUMERIC", "BIGNUMERIC", "BIGNUMERIC", "BIGNUMERIC",
		"INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "FLOAT"}
	s := &bq.TableSchema{}
	for i, t := range types {
		s.Fields = append(s.Fields, &bq.TableFieldSchema{Name: "c" + string(rune('a'+i)), Type: t})
	}
	return s
}

// bigQueryDemoConfig returns the demo config switched to the fake
// BigQuery, with accounts_allow set to the first two accounts so that
// rendering binds an account filter.
func bigQueryDemoConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg := demoConfig(t)
	cfg.Warehouse.Kind = "bigquery"
	cfg.Warehouse.Project, cfg.Warehouse.Dataset, cfg.Warehouse.Location = "acme-prod", "evidence", "US"
	cfg.Warehouse.StagingThresholdBytes = 64 << 20
	if len(cfg.Accounts) < 3 {
		t.Fatalf("demo config has %d accounts, want at least 3", len(cfg.Accounts))
	}
	cfg.AccountsAllow = []string{cfg.Accounts[0].ID, cfg.Accounts[1].ID}
	return cfg
}

// packQueries returns the query jobs that read the pack views, leaving
// out the CREATE OR REPLACE VIEW jobs, which start with a comment.
func packQueries(srv *bqfake.Server) []*bq.JobConfigurationQuery {
	var out []*bq.JobConfigurationQuery
	for _, j := range srv.Jobs() {
		if q := j.Configuration.Query; q != nil && !strings.HasPrefix(q.Query, "-- ") {
			out = append(out, q)
		}
	}
	return out
}

func TestBigQueryRunRendersPacks(t *testing.T) {
	cfg := bigQueryDemoConfig(t)
	srv := bqfake.New()
	defer srv.Close()
	srv.QueryResult = packRows(cfg)
	m, err := Run(context.Background(), cfg, Options{From: date("2026-07-01"), To: date("2026-07-03"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	queries := packQueries(srv)
	if len(queries) == 0 {
		t.Fatal("the run sent no pack query")
	}
	var metrics *bq.JobConfigurationQuery
	for _, q := range queries {
		if strings.Contains(q.Query, "TEMP") {
			t.Errorf("query creates a TEMP table on BigQuery: %s", q.Query)
		}
		if !strings.Contains(q.Query, "FROM `acme-prod.evidence.") {
			t.Errorf("query reads an unqualified name: %s", q.Query)
		}
		for _, a := range cfg.Accounts {
			if strings.Contains(q.Query, a.ID) {
				t.Errorf("account id %s spliced into the SQL: %s", a.ID, q.Query)
			}
		}
		if strings.Contains(q.Query, "FROM `acme-prod.evidence.account_metrics`") {
			metrics = q
		}
	}
	if metrics == nil {
		t.Fatal("no account_metrics query")
	}
	if !strings.Contains(metrics.Query, "account_id IN UNNEST(?)") {
		t.Errorf("account_metrics filter is not IN UNNEST(?): %s", metrics.Query)
	}
	params := metrics.QueryParameters
	if len(params) != 3 {
		t.Fatalf("account_metrics parameters = %d, want grain, period and accounts", len(params))
	}
	for i, p := range params {
		if p.Name != "" {
			t.Errorf("parameter %d is named %s; ? takes positional ones", i, p.Name)
		}
	}
	if params[0].ParameterType.Type != "STRING" || params[0].ParameterValue.Value != "quarter" {
		t.Errorf("grain parameter = %s %q", params[0].ParameterType.Type, params[0].ParameterValue.Value)
	}
	if params[1].ParameterType.Type != "STRING" || params[1].ParameterValue.Value != "2026-Q3" {
		t.Errorf("period parameter = %s %q", params[1].ParameterType.Type, params[1].ParameterValue.Value)
	}
	accounts := params[2]
	if accounts.ParameterType.Type != "ARRAY" || accounts.ParameterType.ArrayType.Type != "STRING" {
		t.Errorf("accounts parameter type = %s of %v, want ARRAY<STRING>", accounts.ParameterType.Type, accounts.ParameterType.ArrayType)
	}
	var ids []string
	for _, v := range accounts.ParameterValue.ArrayValues {
		ids = append(ids, v.Value)
	}
	if got, want := strings.Join(ids, ","), strings.Join(cfg.AccountsAllow, ","); got != want {
		t.Errorf("accounts parameter = %s, want %s", got, want)
	}
	if len(m.Packs) == 0 {
		t.Fatal("the run recorded no pack")
	}
	var firstJSON string
	for _, p := range m.Packs {
		if p.AccountID == cfg.Accounts[0].ID && p.Format == "json" {
			firstJSON = p.Path
		}
		if p.AccountID == cfg.Accounts[2].ID {
			t.Errorf("pack of account %s outside accounts_allow", p.AccountID)
		}
	}
	if firstJSON == "" {
		t.Fatalf("no JSON pack of %s among %d packs", cfg.Accounts[0].ID, len(m.Packs))
	}
	text, err := os.ReadFile(firstJSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"resolved_cases": 42`, `"incident_id": "INC-1"`} {
		if !strings.Contains(string(text), want) {
			t.Errorf("pack %s lacks %s", firstJSON, want)
		}
	}
}

func TestBigQueryRenderCommand(t *testing.T) {
	cfg := bigQueryDemoConfig(t)
	srv := bqfake.New()
	defer srv.Close()
	srv.AddDataset("acme-prod", "evidence")
	srv.QueryResult = packRows(cfg)
	files, err := Render(context.Background(), cfg, RenderOptions{
		Periods: []string{"2026-Q3"}, Accounts: []string{cfg.Accounts[1].ID},
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()},
	})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("render wrote no file")
	}
	for _, f := range files {
		if !strings.Contains(f, cfg.Accounts[1].ID) {
			t.Errorf("file %s is not of account %s", f, cfg.Accounts[1].ID)
		}
	}
	text, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "run-fake") {
		t.Errorf("pack %s does not name the run from the runs table", files[0])
	}
}
