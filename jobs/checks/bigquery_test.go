package checks

import (
	"context"
	"strings"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
)

// openBigQuery opens a BigQuery warehouse on a fake of project acme-prod
// with the dataset evidence. results is the fake's QueryResult hook.
func openBigQuery(t *testing.T, results func(string, []*bq.QueryParameter) (*bq.TableSchema, [][]any)) (
	*warehouse.BigQuery, *bqfake.Server) {
	t.Helper()
	srv := bqfake.New()
	t.Cleanup(srv.Close)
	srv.AddDataset("acme-prod", "evidence")
	srv.QueryResult = results
	w, err := warehouse.OpenBigQuery(context.Background(),
		warehouse.BigQueryConfig{Project: "acme-prod", Dataset: "evidence", Location: "US"},
		warehouse.Endpoints{BigQuery: srv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, srv
}

// sentQueries returns the text and the parameter values of every query
// job the fake received, in order.
func sentQueries(srv *bqfake.Server) (texts []string, params [][]string) {
	for _, j := range srv.Jobs() {
		q := j.Configuration.Query
		if q == nil {
			continue
		}
		texts = append(texts, q.Query)
		var values []string
		for _, p := range q.QueryParameters {
			values = append(values, p.ParameterType.Type+" "+p.ParameterValue.Value)
		}
		params = append(params, values)
	}
	return texts, params
}

func countOf(n int) (*bq.TableSchema, [][]any) {
	return &bq.TableSchema{Fields: []*bq.TableFieldSchema{{Name: "f0_", Type: "INTEGER"}}}, [][]any{{n}}
}

func TestBigQueryCheckQueries(t *testing.T) {
	days := map[string][]time.Time{"usage_events": {day("2026-07-01"), day("2026-07-02")}, "incidents": nil}
	tests := []struct {
		name   string
		check  config.Check
		query  string
		params []string
	}{
		{"not_null whole table", config.Check{Table: "review_labels", Kind: "not_null", Columns: []string{"label_id", "labeled_at"}},
			"SELECT * FROM `acme-prod.evidence.review_labels` WHERE `label_id` IS NULL OR `labeled_at` IS NULL", nil},
		{"not_null window", config.Check{Table: "usage_events", Kind: "not_null", Columns: []string{"event_id"}, Scope: "window"},
			"SELECT * FROM (SELECT * FROM `acme-prod.evidence.usage_events` WHERE dt IN (CAST(? AS DATE), CAST(? AS DATE))) AS `usage_events` WHERE `event_id` IS NULL",
			[]string{"STRING 2026-07-01", "STRING 2026-07-02"}},
		{"no replaced partition", config.Check{Table: "incidents", Kind: "not_null", Columns: []string{"opened_at"}, Scope: "window"},
			"SELECT * FROM (SELECT * FROM `acme-prod.evidence.incidents` WHERE FALSE) AS `incidents` WHERE `opened_at` IS NULL", nil},
		{"unique", config.Check{Table: "incidents", Kind: "unique", Columns: []string{"incident_id", "account_id"}},
			"SELECT `incident_id`, `account_id`, COUNT(*) AS row_count FROM `acme-prod.evidence.incidents` GROUP BY `incident_id`, `account_id` HAVING COUNT(*) > 1", nil},
		{"accepted_values", config.Check{Table: "review_labels", Kind: "accepted_values", Columns: []string{"verdict"},
			Values: []string{"correct", "it's; DROP TABLE x"}},
			"SELECT * FROM `acme-prod.evidence.review_labels` WHERE `verdict` IS NOT NULL AND `verdict` NOT IN (?, ?)",
			[]string{"STRING correct", "STRING it's; DROP TABLE x"}},
		{"relationships window", config.Check{Table: "usage_events", Kind: "relationships", Columns: []string{"account_id"},
			Values: []string{"unattributed"}, References: "accounts.account_id", Scope: "window"},
			"SELECT f.* FROM (SELECT * FROM `acme-prod.evidence.usage_events` WHERE dt IN (CAST(? AS DATE), CAST(? AS DATE))) AS f " +
				"WHERE f.`account_id` IS NOT NULL AND f.`account_id` NOT IN (?) AND NOT EXISTS " +
				"(SELECT 1 FROM `acme-prod.evidence.accounts` AS p WHERE p.`account_id` = f.`account_id`)",
			[]string{"STRING 2026-07-01", "STRING 2026-07-02", "STRING unattributed"}},
		{"range min max", config.Check{Table: "usage_events", Kind: "range", Columns: []string{"handle_time_seconds"},
			Min: ptr(0), Max: ptr(86400)},
			"SELECT * FROM `acme-prod.evidence.usage_events` WHERE `handle_time_seconds` < ? OR `handle_time_seconds` > ?",
			[]string{"FLOAT64 0", "FLOAT64 86400"}},
		{"range two columns", config.Check{Table: "incidents", Kind: "range", Columns: []string{"resolved_at", "opened_at"}},
			"SELECT * FROM `acme-prod.evidence.incidents` WHERE `resolved_at` < `opened_at`", nil},
		{"custom_sql", config.Check{Kind: "custom_sql", SQL: "SELECT line_id FROM cost_lines WHERE billed_cost > 100;\n"},
			"SELECT line_id FROM cost_lines WHERE billed_cost > 100", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, srv := openBigQuery(t, func(string, []*bq.QueryParameter) (*bq.TableSchema, [][]any) { return countOf(0) })
			c := tt.check
			c.Name, c.Severity = tt.name, config.SeverityError
			res, err := Run(context.Background(), Env{Querier: w, Dialect: w.Dialect(), Dates: days}, []config.Check{c})
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Status != StatusPassed {
				t.Errorf("status %s (%s), want passed", res[0].Status, res[0].Message)
			}
			if res[0].SQL != tt.query {
				t.Errorf("result SQL\n got %s\nwant %s", res[0].SQL, tt.query)
			}
			texts, params := sentQueries(srv)
			if len(texts) != 1 {
				t.Fatalf("sent %d queries, want the count only: %q", len(texts), texts)
			}
			if want := "SELECT COUNT(*) FROM (" + tt.query + ") AS failing"; texts[0] != want {
				t.Errorf("query\n got %s\nwant %s", texts[0], want)
			}
			if strings.Join(params[0], "|") != strings.Join(tt.params, "|") {
				t.Errorf("parameters = %q, want %q", params[0], tt.params)
			}
		})
	}
}

func TestBigQueryFailingRowsSample(t *testing.T) {
	schema := &bq.TableSchema{Fields: []*bq.TableFieldSchema{
		{Name: "line_id", Type: "STRING"}, {Name: "billed_cost", Type: "BIGNUMERIC"},
		{Name: "charge_period_start", Type: "TIMESTAMP"}, {Name: "dt", Type: "DATE"}, {Name: "note", Type: "STRING"}}}
	w, srv := openBigQuery(t, func(q string, _ []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		if strings.HasPrefix(q, "SELECT COUNT(*)") {
			return countOf(2)
		}
		// 2026-06-01T00:00:00Z and 2026-06-02T12:30:00Z in microseconds.
		return schema, [][]any{{"k1", "250.5", 1780272000000000, "2026-06-01", nil},
			{"k2", "0.000000000000000001", 1780403400000000, "2026-06-02", "late"}}
	})
	c := config.Check{Name: "big bills", Kind: "custom_sql", Severity: config.SeverityWarn,
		SQL: "SELECT line_id, billed_cost, charge_period_start, dt, note FROM cost_lines WHERE billed_cost > 100"}
	res, err := Run(context.Background(), Env{Querier: w, Dialect: w.Dialect()}, []config.Check{c})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Status != StatusFailed || r.FailingCount != 2 {
		t.Fatalf("status %s with %d failing rows (%s), want failed with 2", r.Status, r.FailingCount, r.Message)
	}
	if r.Blocking() {
		t.Error("a warn check blocks the run")
	}

	// BIGNUMERIC values are exact decimal text with the 38 fractional
	// digits of the client library's BigNumericString.
	want := `[{"line_id":"k1","billed_cost":"250.50000000000000000000000000000000000000","charge_period_start":"2026-06-01T00:00:00Z","dt":"2026-06-01","note":null},` +
		`{"line_id":"k2","billed_cost":"0.00000000000000000100000000000000000000","charge_period_start":"2026-06-02T12:30:00Z","dt":"2026-06-02","note":"late"}]`
	if string(r.Sample) != want {
		t.Errorf("sample\n got %s\nwant %s", r.Sample, want)
	}

	texts, _ := sentQueries(srv)
	if len(texts) != 2 {
		t.Fatalf("sent %d queries, want the count and the sample: %q", len(texts), texts)
	}
	wantSample := "SELECT * FROM (" + c.SQL + ") AS failing ORDER BY TO_JSON_STRING(failing) LIMIT 20"
	if texts[1] != wantSample {
		t.Errorf("sample query\n got %s\nwant %s", texts[1], wantSample)
	}
}

func TestBigQueryRowCountDrop(t *testing.T) {
	w, srv := openBigQuery(t, func(string, []*bq.QueryParameter) (*bq.TableSchema, [][]any) { return countOf(3) })
	c := config.Check{Name: "cost drop", Table: "cost_lines", Kind: "row_count_drop", MaxDropShare: ptr(0.5),
		Severity: config.SeverityError}
	env := Env{Querier: w, Dialect: w.Dialect(), From: day("2026-06-01"), To: day("2026-06-03"),
		Previous: &PreviousRun{RunID: "run-prev", Rows: map[string]int64{"cost_lines": 10}}}
	res, err := Run(context.Background(), env, []config.Check{c})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Status != StatusFailed || r.FailingCount != 7 {
		t.Errorf("status %s with %d missing rows, want failed with 7", r.Status, r.FailingCount)
	}
	if want := "cost_lines has 3 rows for 2026-06-01..2026-06-03, 70.0% fewer than the 10 of run run-prev (max_drop_share 50.0%)"; r.Message != want {
		t.Errorf("message %q, want %q", r.Message, want)
	}
	texts, params := sentQueries(srv)
	if len(texts) != 1 {
		t.Fatalf("sent %d queries, want 1: %q", len(texts), texts)
	}
	if want := "SELECT COUNT(*) FROM `acme-prod.evidence.cost_lines` WHERE dt BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)"; texts[0] != want {
		t.Errorf("query\n got %s\nwant %s", texts[0], want)
	}
	if got := strings.Join(params[0], "|"); got != "STRING 2026-06-01|STRING 2026-06-03" {
		t.Errorf("parameters = %s, want the first and last date", got)
	}
}

func TestBigQueryFreshness(t *testing.T) {
	tests := []struct {
		name     string
		newest   any // microseconds since the epoch, or nil
		status   string
		severity string
		message  string
	}{
		// 2026-09-27T20:00:00Z, 3d 4h before the end of 2026-09-30.
		{"stale", 1790539200000000, StatusFailed, config.SeverityError,
			"source bill: newest cost line is 3d 4h older than the end of the window 2026-09-30 (error_after 72h)"},
		// 2026-09-30T12:00:00Z.
		{"fresh", 1790769600000000, StatusPassed, "", ""},
		{"no facts", nil, StatusFailed, config.SeverityError,
			"source bill: no cost line at or before the end of the window 2026-09-30 (error_after 72h)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, srv := openBigQuery(t, func(string, []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
				return &bq.TableSchema{Fields: []*bq.TableFieldSchema{{Name: "f0_", Type: "TIMESTAMP"}}},
					[][]any{{tt.newest}}
			})
			src := config.Source{Name: "bill", Kind: "costs", Freshness: &config.Freshness{ErrorAfter: 72 * time.Hour}}
			got, err := MeasureFreshness(context.Background(), w, w.Dialect(), []config.Source{src}, day("2026-09-30"), nil)
			if err != nil {
				t.Fatal(err)
			}
			f := got[0]
			if f.Status != tt.status || f.Severity != tt.severity || f.Message != tt.message {
				t.Errorf("got %s %q %q, want %s %q %q", f.Status, f.Severity, f.Message, tt.status, tt.severity, tt.message)
			}
			texts, params := sentQueries(srv)
			if len(texts) != 1 {
				t.Fatalf("sent %d queries, want 1: %q", len(texts), texts)
			}
			want := "SELECT MAX(`charge_period_start`) FROM `acme-prod.evidence.cost_lines` WHERE source = ? AND dt < CAST(? AS DATE)"
			if texts[0] != want || f.SQL != want {
				t.Errorf("query\n got %s\nwant %s", texts[0], want)
			}
			if got := strings.Join(params[0], "|"); got != "STRING bill|STRING 2026-10-01" {
				t.Errorf("parameters = %s, want the source and the day after the window", got)
			}
		})
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}
