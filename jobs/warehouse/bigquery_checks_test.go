package warehouse_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/config"
	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	evsql "evidencepack/sql"
)

// sqlColumns returns the columns of a table as its CREATE TABLE statement
// for BigQuery declares them, name and type, such as "failing_count INT64".
func sqlColumns(t *testing.T, table string) []string {
	t.Helper()
	stmts, err := evsql.Tables(evsql.BigQuery(testProject, testDataset))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stmts {
		if st.Name != table {
			continue
		}
		_, body, _ := strings.Cut(st.SQL, "(\n")
		body, _, _ = strings.Cut(body, "\n)")
		var cols []string
		for _, line := range strings.Split(body, "\n") {
			cols = append(cols, strings.TrimSuffix(strings.TrimSpace(line), ","))
		}
		return cols
	}
	t.Fatalf("no CREATE TABLE statement for %s", table)
	return nil
}

func TestBigQueryCheckTablesMatchSQL(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	if err := w.EnsureTables(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The REST API names INT64 INTEGER and FLOAT64 FLOAT.
	apiType := map[string]string{"INT64": "INTEGER", "FLOAT64": "FLOAT"}
	for _, table := range []string{"check_results", "source_freshness"} {
		tbl := srv.Table(testDataset, table)
		if tbl == nil {
			t.Errorf("%s not created", table)
			continue
		}
		if tbl.TimePartitioning != nil {
			t.Errorf("%s is partitioned", table)
		}
		var got []string
		for _, f := range tbl.Schema.Fields {
			got = append(got, f.Name+" "+f.Type)
			if f.Description == "" {
				t.Errorf("%s.%s has no description", table, f.Name)
			}
			if !nullable(f) {
				t.Errorf("%s.%s is %s, want NULLABLE", table, f.Name, f.Mode)
			}
		}
		var want []string
		for _, col := range sqlColumns(t, table) {
			name, typ, _ := strings.Cut(col, " ")
			if api, ok := apiType[typ]; ok {
				typ = api
			}
			want = append(want, name+" "+typ)
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("%s columns\n got %s\nwant %s", table, strings.Join(got, ", "), strings.Join(want, ", "))
		}
	}
}

// jsonLoadRows returns the rows that the load job id uploaded as
// newline-delimited JSON, failing the test without such a job.
func jsonLoadRows(t *testing.T, srv *bqfake.Server, id string) (*bq.JobConfigurationLoad, []map[string]any) {
	t.Helper()
	job := jobByID(t, srv, id)
	l := job.Configuration.Load
	if l == nil || l.SourceFormat != "NEWLINE_DELIMITED_JSON" {
		t.Fatalf("job %s is not a JSON load job: %s", id, jsonOf(job.Configuration))
	}
	var rows []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(srv.Media(id)))
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("job %s: row %q: %v", id, sc.Text(), err)
		}
		rows = append(rows, row)
	}
	return l, rows
}

// queryJobs returns the text and the parameter values of every query job.
func queryJobs(srv *bqfake.Server) (texts []string, params [][]string) {
	for _, j := range srv.Jobs() {
		if q := j.Configuration.Query; q != nil {
			texts = append(texts, q.Query)
			var values []string
			for _, p := range q.QueryParameters {
				values = append(values, p.ParameterValue.Value)
			}
			params = append(params, values)
		}
	}
	return texts, params
}

func TestBigQueryRecordChecks(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	const (
		countResults   = "SELECT COUNT(*) FROM `acme-prod.evidence.check_results` WHERE run_id = ?"
		countFreshness = "SELECT COUNT(*) FROM `acme-prod.evidence.source_freshness` WHERE TRUE"
		clearResults   = "DELETE FROM `acme-prod.evidence.check_results` WHERE run_id = ?"
		clearFreshness = "DELETE FROM `acme-prod.evidence.source_freshness` WHERE TRUE"
	)
	// An earlier attempt of run-1 left one check_results row, and
	// source_freshness has three rows.
	counts := map[string]int{countResults: 1, countFreshness: 3}
	srv.QueryResult = func(query string, _ []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		n, ok := counts[query]
		if !ok {
			return nil, nil
		}
		return &bq.TableSchema{Fields: []*bq.TableFieldSchema{{Name: "f0_", Type: "INTEGER"}}}, [][]any{{n}}
	}
	started := time.Date(2026, 7, 4, 1, 2, 3, 0, time.UTC)
	newest := time.Date(2026, 7, 2, 22, 30, 0, 0, time.UTC)
	results := []warehouse.CheckResultRow{
		{RunID: "run-1", CheckName: "usage_events.not_null", TableName: "usage_events", Kind: "not_null",
			Severity: "error", Status: "passed", SQL: "SELECT * FROM t"},
		{RunID: "run-1", CheckName: "big bills", Kind: "custom_sql", Severity: "warn", Status: "failed",
			FailingCount: 2, Sample: `[{"line_id":"k1"}]`, SQL: "SELECT line_id FROM cost_lines", Message: ""},
	}
	fresh := []warehouse.FreshnessRow{{Source: "bill", TableName: "cost_lines", NewestAt: &newest,
		WindowEnd: time.Date(2026, 7, 4, 0, 0, 0, 0, time.UTC), AgeSeconds: 91800, Status: "failed",
		Severity: "warn", Note: "Figures from cost_lines rest on stale data."}}
	if err := w.RecordChecks(ctx, "run-1", started, results, fresh); err != nil {
		t.Fatal(err)
	}

	texts, params := queryJobs(srv)
	if strings.Join(texts, "\n") != countResults+"\n"+clearResults {
		t.Fatalf("query jobs = %q, want the count and the DELETE of the run's check_results rows", texts)
	}
	if strings.Join(params[0], ",") != "run-1" || strings.Join(params[1], ",") != "run-1" {
		t.Errorf("parameters = %q, want the run id for the count and the DELETE", params)
	}
	load, rows := jsonLoadRows(t, srv, "ep_run-1_check_results_1783126923000000")
	if load.WriteDisposition != "WRITE_APPEND" || load.DestinationTable.TableId != "check_results" {
		t.Errorf("check_results load = %s into %s, want WRITE_APPEND into check_results",
			load.WriteDisposition, load.DestinationTable.TableId)
	}
	if len(rows) != 2 {
		t.Fatalf("check_results rows = %v, want 2", rows)
	}
	if rows[0]["sample"] != nil || rows[0]["message"] != nil || rows[0]["failing_count"] != 0.0 {
		t.Errorf("passed row = %v, want NULL sample and message and 0 failing rows", rows[0])
	}
	if rows[1]["sample"] != `[{"line_id":"k1"}]` || rows[1]["failing_count"] != 2.0 || rows[1]["table_name"] != "" {
		t.Errorf("failed row = %v, want the sample, 2 failing rows and an empty table name", rows[1])
	}
	load, rows = jsonLoadRows(t, srv, "ep_run-1_source_freshness_1783126923000000")
	if load.WriteDisposition != "WRITE_TRUNCATE" || load.DestinationTable.TableId != "source_freshness" {
		t.Errorf("source_freshness load = %s into %s, want WRITE_TRUNCATE into source_freshness",
			load.WriteDisposition, load.DestinationTable.TableId)
	}
	want := `[{"age_seconds":91800,"newest_at":"2026-07-02T22:30:00.000000Z","note":"Figures from cost_lines rest on stale data.",` +
		`"severity":"warn","source":"bill","status":"failed","table_name":"cost_lines","window_end":"2026-07-04T00:00:00.000000Z"}]`
	if got := jsonOf(rows); got != want {
		t.Errorf("source_freshness rows\n got %s\nwant %s", got, want)
	}

	// Run run-2 has no rows yet and checks no source's freshness, so only
	// source_freshness is cleared.
	counts[countResults] = 0
	before := len(srv.Jobs())
	if err := w.RecordChecks(ctx, "run-2", started, nil, nil); err != nil {
		t.Fatal(err)
	}
	texts, _ = queryJobs(srv)
	wantTexts := []string{countResults, countFreshness, clearFreshness}
	if got := len(srv.Jobs()) - before; got != 3 || strings.Join(texts[2:], "\n") != strings.Join(wantTexts, "\n") {
		t.Errorf("%d jobs with queries %q, want %q", got, texts[2:], wantTexts)
	}

	// Once source_freshness is empty, nothing is deleted.
	counts[countFreshness] = 0
	before = len(srv.Jobs())
	if err := w.RecordChecks(ctx, "run-3", started, nil, nil); err != nil {
		t.Fatal(err)
	}
	texts, _ = queryJobs(srv)
	if got := len(srv.Jobs()) - before; got != 2 || strings.Join(texts[5:], "\n") != countResults+"\n"+countFreshness {
		t.Errorf("%d jobs with queries %q, want the two counts only", got, texts[5:])
	}
}

func TestBigQueryRecordChecksFailedLoad(t *testing.T) {
	w, srv := openFake(t, warehouse.BigQueryConfig{})
	ctx := context.Background()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	srv.QueryResult = func(string, []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		return &bq.TableSchema{Fields: []*bq.TableFieldSchema{{Name: "f0_", Type: "INTEGER"}}}, [][]any{{0}}
	}
	srv.FailJob = bqfake.FailLoadsInto("check_results", "quota exceeded")
	err := w.RecordChecks(ctx, "run-1", time.Unix(0, 0), []warehouse.CheckResultRow{{RunID: "run-1"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "check_results rows of run run-1") ||
		!strings.Contains(err.Error(), "quota exceeded") {
		t.Errorf("error = %v, want the failed check_results load with its reason", err)
	}
}

func TestBigQueryPlanDrift(t *testing.T) {
	tests := []struct {
		name  string
		drift func(srv *bqfake.Server)
		want  []string // each problem the error lists; none for no drift
	}{
		{"retyped column", func(srv *bqfake.Server) {
			findField(srv.Table(testDataset, "cost_lines").Schema.Fields, "billed_cost").Type = "NUMERIC"
		}, []string{"table cost_lines: column billed_cost is NUMERIC(38,18) REQUIRED in BigQuery but BIGNUMERIC(38,18) REQUIRED in this version"}},
		{"fewer fractional digits", func(srv *bqfake.Server) {
			findField(srv.Table(testDataset, "cost_lines").Schema.Fields, "effective_cost").Scale = 9
		}, []string{"column effective_cost is BIGNUMERIC(38,9) REQUIRED in BigQuery but BIGNUMERIC(38,18) REQUIRED"}},
		{"decimal without precision", func(srv *bqfake.Server) {
			f := findField(srv.Table(testDataset, "cost_lines").Schema.Fields, "effective_cost")
			f.Precision, f.Scale = 0, 0
		}, nil},
		{"required where NULL is loaded", func(srv *bqfake.Server) {
			findField(srv.Table(testDataset, "check_results").Schema.Fields, "sample").Mode = "REQUIRED"
		}, []string{"table check_results: column sample is STRING REQUIRED in BigQuery but STRING NULLABLE in this version"}},
		{"repeated column", func(srv *bqfake.Server) {
			findField(srv.Table(testDataset, "accounts").Schema.Fields, "currency").Mode = "REPEATED"
		}, []string{"table accounts: column currency is STRING REPEATED in BigQuery but STRING NULLABLE in this version"}},
		{"extra required column", func(srv *bqfake.Server) {
			tbl := srv.Table(testDataset, "runs")
			tbl.Schema.Fields = append(tbl.Schema.Fields, &bq.TableFieldSchema{Name: "owner", Type: "STRING", Mode: "REQUIRED"})
		}, []string{"table runs: column owner (STRING REQUIRED) is in BigQuery but not in this version, and loads cannot fill it"}},
		{"extra nullable column", func(srv *bqfake.Server) {
			tbl := srv.Table(testDataset, "runs")
			tbl.Schema.Fields = append(tbl.Schema.Fields, &bq.TableFieldSchema{Name: "owner", Type: "STRING"})
		}, nil},
		{"fact table not partitioned", func(srv *bqfake.Server) {
			srv.Table(testDataset, "incidents").TimePartitioning = nil
		}, []string{"table incidents is not partitioned by day on dt in BigQuery"}},
		{"fact table partitioned by ingestion time", func(srv *bqfake.Server) {
			srv.Table(testDataset, "usage_events").TimePartitioning = &bq.TimePartitioning{Type: "DAY"}
		}, []string{"table usage_events is not partitioned by day on dt in BigQuery"}},
		{"view in place of a table", func(srv *bqfake.Server) {
			srv.Table(testDataset, "pack_settings").Type = "VIEW"
		}, []string{"table pack_settings is a VIEW in BigQuery, not a table"}},
		{"two tables", func(srv *bqfake.Server) {
			findField(srv.Table(testDataset, "review_labels").Schema.Fields, "labeled_at").Type = "STRING"
			srv.Table(testDataset, "incidents").TimePartitioning = nil
		}, []string{"table review_labels: column labeled_at is STRING ", "table incidents is not partitioned"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, srv := openFake(t, warehouse.BigQueryConfig{})
			ctx := context.Background()
			if err := w.EnsureTables(ctx); err != nil {
				t.Fatal(err)
			}
			tt.drift(srv)
			// A missing column is no drift, but with drift it is not added.
			accounts := srv.Table(testDataset, "accounts")
			accounts.Schema.Fields = accounts.Schema.Fields[:len(accounts.Schema.Fields)-1]
			before := len(srv.Requests())
			err := w.EnsureTables(ctx)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("EnsureTables: %v, want no drift", err)
				}
				return
			}
			var drift *warehouse.DriftError
			if !errors.As(err, &drift) {
				t.Fatalf("EnsureTables error = %v, want a *DriftError", err)
			}
			if len(drift.Problems) != len(tt.want) {
				t.Errorf("problems = %q, want %d", drift.Problems, len(tt.want))
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if !warehouse.IsSchemaError(err) || !errors.Is(err, config.ErrInvalid) {
				t.Errorf("error %v is not a schema error of an invalid config", err)
			}
			for _, r := range srv.Requests()[before:] {
				if r.Method != "GET" {
					t.Errorf("EnsureTables sent %s %s although a table drifted", r.Method, r.Path)
				}
			}
		})
	}
}
