package run

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/config"
	"evidencepack/jobs/checks"
	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/jobs/warehouse/bqfake/duckmirror"
)

// stepResults are the results of the queries of the contract and check
// steps on the fake BigQuery. The zero value returns what a first run
// whose checks pass reads: no earlier run, no failing rows, and no fact
// for freshness.
type stepResults struct {
	// runs are the run_id and manifest rows of earlier successful runs.
	runs [][]any
	// failing maps a text that one check's failing rows query contains to
	// the rows that query returns.
	failing map[string]failingRows
	// rowCount is the count of the row_count_drop query.
	rowCount int
	// newest is the result of a freshness query, microseconds since the
	// epoch or nil.
	newest any
}

type failingRows struct {
	schema *bq.TableSchema
	rows   [][]any
}

func fieldsOf(spec ...string) *bq.TableSchema {
	s := &bq.TableSchema{}
	for i := 0; i < len(spec); i += 2 {
		s.Fields = append(s.Fields, &bq.TableFieldSchema{Name: spec[i], Type: spec[i+1]})
	}
	return s
}

// result returns the result of query and true, or false for a query of
// neither step.
func (a stepResults) result(query string) (*bq.TableSchema, [][]any, bool) {
	count := func(n int) (*bq.TableSchema, [][]any, bool) {
		return fieldsOf("f0_", "INTEGER"), [][]any{{n}}, true
	}
	switch {
	case strings.HasPrefix(query, "SELECT run_id, manifest FROM "):
		return fieldsOf("run_id", "STRING", "manifest", "STRING"), a.runs, true
	case strings.HasPrefix(query, "SELECT COUNT(*) FROM ("):
		for key, f := range a.failing {
			if strings.Contains(query, key) {
				return count(len(f.rows))
			}
		}
		return count(0)
	case strings.HasPrefix(query, "SELECT * FROM (") && strings.Contains(query, ") AS failing ORDER BY "):
		for key, f := range a.failing {
			if strings.Contains(query, key) {
				return f.schema, f.rows, true
			}
		}
		return nil, nil, true
	case strings.HasPrefix(query, "SELECT COUNT(*) FROM `") && strings.Contains(query, "WHERE dt BETWEEN"):
		return count(a.rowCount)
	case strings.HasPrefix(query, "SELECT COUNT(*) FROM `acme-prod.evidence.check_results` WHERE run_id = ?"),
		strings.HasPrefix(query, "SELECT COUNT(*) FROM `acme-prod.evidence.source_freshness`"):
		// No earlier attempt of the run left rows to delete.
		return count(0)
	case strings.HasPrefix(query, "SELECT CAST(MAX(date_to) AS STRING) FROM `acme-prod.evidence.runs`"):
		// No earlier successful run.
		return fieldsOf("f0_", "STRING"), [][]any{{nil}}, true
	case strings.HasPrefix(query, "SELECT MAX("):
		return fieldsOf("f0_", "TIMESTAMP"), [][]any{{a.newest}}, true
	case strings.HasPrefix(query, "DELETE FROM "):
		return nil, nil, true
	}
	return nil, nil, false
}

// hook returns a QueryResult hook that returns the results of a for the
// steps' queries and the pack rows of cfg for every other query.
func (a stepResults) hook(cfg *config.Config) func(string, []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
	packs := packRows(cfg)
	return func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		if schema, rows, ok := a.result(query); ok {
			return schema, rows
		}
		return packs(query, params)
	}
}

// bigQueryCostConfig is freshCostConfig with the warehouse switched to the
// fake BigQuery of project acme-prod and dataset evidence.
func bigQueryCostConfig(t *testing.T, dir, freshness string) *config.Config {
	t.Helper()
	cfg := freshCostConfig(t, dir, freshness)
	cfg.Warehouse.Kind = "bigquery"
	cfg.Warehouse.Project, cfg.Warehouse.Dataset, cfg.Warehouse.Location = "acme-prod", "evidence", "US"
	cfg.Warehouse.StagingThresholdBytes = 64 << 20
	return cfg
}

// previousRunRow returns the runs row of a succeeded run run-prev that
// wrote rows cost lines for each of June 1 to 3 and read the CSV columns
// of header.
func previousRunRow(t *testing.T, rows int, header string) []any {
	t.Helper()
	m := Manifest{RunID: "run-prev", InputSchemas: map[string]*InputSchema{"cloud_bill": {}}}
	for _, d := range []string{"2026-06-01", "2026-06-02", "2026-06-03"} {
		m.Partitions = append(m.Partitions, PartitionInfo{Table: "cost_lines", Date: d, Source: "cloud_bill", Rows: rows})
	}
	for _, name := range strings.Split(strings.TrimSpace(header), ",") {
		m.InputSchemas["cloud_bill"].Columns = append(m.InputSchemas["cloud_bill"].Columns, InputColumn{Name: name})
	}
	text, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return []any{"run-prev", string(text)}
}

// sentQuery is one query job with its parameter values.
type sentQuery struct {
	text   string
	params []string
	named  bool
}

// queriesSent returns the query jobs the fake received, with the query
// text's runs of white space folded to one space.
func queriesSent(srv *bqfake.Server) []sentQuery {
	var out []sentQuery
	for _, j := range srv.Jobs() {
		q := j.Configuration.Query
		if q == nil {
			continue
		}
		s := sentQuery{text: strings.Join(strings.Fields(q.Query), " ")}
		for _, p := range q.QueryParameters {
			s.params = append(s.params, p.ParameterValue.Value)
			s.named = s.named || p.Name != ""
		}
		out = append(out, s)
	}
	return out
}

// findQuery returns the queries sent with the exact text.
func findQuery(queries []sentQuery, text string) []sentQuery {
	var out []sentQuery
	for _, q := range queries {
		if q.text == strings.Join(strings.Fields(text), " ") {
			out = append(out, q)
		}
	}
	return out
}

// jsonRows returns the rows that the JSON load job id uploaded, failing
// the test without such a job.
func jsonRows(t *testing.T, srv *bqfake.Server, id string) (*bq.JobConfigurationLoad, []map[string]any) {
	t.Helper()
	for _, j := range srv.Jobs() {
		if j.JobReference.JobId != id {
			continue
		}
		l := j.Configuration.Load
		if l == nil || l.SourceFormat != "NEWLINE_DELIMITED_JSON" {
			t.Fatalf("job %s is not a JSON load job", id)
		}
		var rows []map[string]any
		sc := bufio.NewScanner(bytes.NewReader(srv.Media(id)))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var row map[string]any
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatalf("job %s: %v", id, err)
			}
			rows = append(rows, row)
		}
		return l, rows
	}
	t.Fatalf("no job %s", id)
	return nil, nil
}

// checkJobID returns the id of the load job that appends a run's rows to
// table (check_results or source_freshness).
func checkJobID(m *Manifest, table string) string {
	return "ep_" + m.RunID + "_" + table + "_" + strconv.FormatInt(m.StartedAt.UnixMicro(), 10)
}

func TestBigQueryRunSendsCheckQueries(t *testing.T) {
	dir := t.TempDir()
	cfg := bigQueryCostConfig(t, dir, "{warn_after: 240h}")
	cfg.Checks = []config.Check{
		{Name: "small bills", Kind: config.CheckCustomSQL, Severity: config.SeverityWarn,
			SQL: "SELECT line_id, billed_cost FROM cost_lines WHERE billed_cost < 2"},
		{Name: "cost drop", Table: "cost_lines", Kind: config.CheckRowCountDrop, MaxDropShare: ptrFloat(0.5),
			Severity: config.SeverityError},
	}
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(3, 0, ""))
	srv := bqfake.New()
	defer srv.Close()
	// 2026-06-03T00:00:00Z, one day before the end of the window.
	results := stepResults{runs: [][]any{previousRunRow(t, 1, focusHeader)}, rowCount: 3, newest: 1780444800000000}
	srv.QueryResult = results.hook(cfg)
	m, err := Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-03"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if len(m.Checks) != len(cfg.EffectiveChecks()) {
		t.Errorf("manifest has %d check results, want %d", len(m.Checks), len(cfg.EffectiveChecks()))
	}
	for _, c := range m.Checks {
		if c.Failed() {
			t.Errorf("check %s failed: %d rows, %s", c.Name, c.FailingCount, c.Message)
		}
	}
	queries := queriesSent(srv)
	for _, q := range queries {
		if q.named {
			t.Errorf("query binds named parameters; ? takes positional ones: %s", q.text)
		}
	}

	// The contract step reads the input schemas of earlier runs.
	contract := "SELECT run_id, manifest FROM `acme-prod.evidence.runs` WHERE status = 'succeeded' ORDER BY finished_at DESC LIMIT 20"
	if got := findQuery(queries, contract); len(got) != 1 || len(got[0].params) != 0 {
		t.Errorf("contract query sent %d times (%v), want once without parameters", len(got), got)
	}
	previous := "SELECT run_id, manifest FROM `acme-prod.evidence.runs` WHERE status = 'succeeded' AND date_from = CAST(? AS DATE) " +
		"AND date_to = CAST(? AS DATE) AND run_id <> ? ORDER BY finished_at DESC LIMIT 1"
	if got := findQuery(queries, previous); len(got) != 1 ||
		strings.Join(got[0].params, ",") != "2026-06-01,2026-06-03,"+m.RunID {
		t.Errorf("previous run query = %v, want once with the window and the run id", got)
	}

	relationships := "SELECT COUNT(*) FROM (SELECT f.* FROM (SELECT * FROM `acme-prod.evidence.cost_lines` " +
		"WHERE dt IN (CAST(? AS DATE), CAST(? AS DATE), CAST(? AS DATE))) AS f WHERE f.`account_id` IS NOT NULL " +
		"AND f.`account_id` NOT IN (?) AND NOT EXISTS (SELECT 1 FROM `acme-prod.evidence.accounts` AS p " +
		"WHERE p.`account_id` = f.`account_id`)) AS failing"
	if got := findQuery(queries, relationships); len(got) != 1 ||
		strings.Join(got[0].params, ",") != "2026-06-01,2026-06-02,2026-06-03,unattributed" {
		t.Errorf("cost_lines relationships query = %v, want once with the window dates and unattributed", got)
	}
	drop := "SELECT COUNT(*) FROM `acme-prod.evidence.cost_lines` WHERE dt BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)"
	if got := findQuery(queries, drop); len(got) != 1 || strings.Join(got[0].params, ",") != "2026-06-01,2026-06-03" {
		t.Errorf("row_count_drop query = %v, want once with the window", got)
	}
	fresh := "SELECT MAX(`charge_period_start`) FROM `acme-prod.evidence.cost_lines` WHERE source = ? AND dt < CAST(? AS DATE)"
	if got := findQuery(queries, fresh); len(got) != 1 || strings.Join(got[0].params, ",") != "cloud_bill,2026-06-04" {
		t.Errorf("freshness query = %v, want once with the source and the day after the window", got)
	}

	// Every other check sends its failing rows query, as the manifest
	// records it, inside a count.
	for _, c := range m.Checks {
		if c.Kind == config.CheckRowCountDrop {
			continue
		}
		got := findQuery(queries, "SELECT COUNT(*) FROM ("+c.SQL+") AS failing")
		if len(got) != 1 {
			t.Errorf("check %s: count query sent %d times, want once", c.Name, len(got))
			continue
		}
		var args []string
		for _, a := range c.Args {
			args = append(args, fmt.Sprint(a))
		}
		if strings.Join(got[0].params, ",") != strings.Join(args, ",") {
			t.Errorf("check %s: parameters %q, want %q", c.Name, got[0].params, args)
		}
		if c.Kind != config.CheckCustomSQL && !strings.Contains(c.SQL, "`acme-prod.evidence."+c.Table+"`") {
			t.Errorf("check %s reads no qualified %s: %s", c.Name, c.Table, c.SQL)
		}
		if c.Kind == config.CheckAcceptedValues && strings.Contains(c.SQL, "'") {
			t.Errorf("check %s has a value spliced into its SQL: %s", c.Name, c.SQL)
		}
	}
	// The custom query names cost_lines unqualified, which the default
	// dataset of the query request resolves.
	var custom bool
	for _, r := range srv.Requests() {
		var req bq.QueryRequest
		if r.Method != "POST" || !strings.HasSuffix(r.Path, "/queries") || json.Unmarshal(r.Body, &req) != nil ||
			!strings.Contains(req.Query, "FROM cost_lines WHERE billed_cost < 2") {
			continue
		}
		custom = true
		if req.DefaultDataset == nil || req.DefaultDataset.ProjectId != "acme-prod" || req.DefaultDataset.DatasetId != "evidence" {
			t.Errorf("custom_sql query has default dataset %+v, want acme-prod.evidence", req.DefaultDataset)
		}
	}
	if !custom {
		t.Error("no query request of the custom_sql check")
	}

	// The results go to check_results and source_freshness. No earlier
	// attempt of the run left rows, so nothing is deleted.
	stored := findQuery(queries, "SELECT COUNT(*) FROM `acme-prod.evidence.check_results` WHERE run_id = ?")
	if len(stored) != 1 || strings.Join(stored[0].params, ",") != m.RunID {
		t.Errorf("count of the run's check_results rows = %v, want once with the run id", stored)
	}
	for _, q := range queries {
		if strings.HasPrefix(q.text, "DELETE") {
			t.Errorf("DELETE sent although no row was stored: %s", q.text)
		}
	}
	load, rows := jsonRows(t, srv, checkJobID(m, "check_results"))
	if load.WriteDisposition != "WRITE_APPEND" || len(rows) != len(m.Checks) {
		t.Errorf("check_results load %s with %d rows, want WRITE_APPEND with %d", load.WriteDisposition, len(rows), len(m.Checks))
	}
	for i, row := range rows {
		if i < len(m.Checks) && (row["run_id"] != m.RunID || row["check_name"] != m.Checks[i].Name || row["status"] != "passed") {
			t.Errorf("check_results row %d = %v, want run %s, check %s, passed", i, row, m.RunID, m.Checks[i].Name)
		}
	}
	load, rows = jsonRows(t, srv, checkJobID(m, "source_freshness"))
	if load.WriteDisposition != "WRITE_TRUNCATE" || len(rows) != 1 || rows[0]["source"] != "cloud_bill" ||
		rows[0]["status"] != "passed" || rows[0]["newest_at"] != "2026-06-03T00:00:00.000000Z" || rows[0]["severity"] != nil {
		t.Errorf("source_freshness load %s rows %v, want WRITE_TRUNCATE with cloud_bill passed", load.WriteDisposition, rows)
	}
}

func ptrFloat(f float64) *float64 { return &f }

// costRelationshipsFailing makes the cost_lines relationships check find
// two cost lines of an unknown account.
var costRelationshipsFailing = map[string]failingRows{
	"f.`account_id` NOT IN (?) AND NOT EXISTS": {
		schema: fieldsOf("line_id", "STRING", "account_id", "STRING", "billed_cost", "BIGNUMERIC",
			"charge_period_start", "TIMESTAMP", "dt", "DATE"),
		// 2026-06-01T00:00:00Z and 2026-06-02T00:00:00Z in microseconds.
		rows: [][]any{{"k1", "initech", "1.5", 1780272000000000, "2026-06-01"},
			{"k2", "initech", "2", 1780358400000000, "2026-06-02"}},
	},
}

func TestBigQueryFailingCheckStopsRun(t *testing.T) {
	dir := t.TempDir()
	cfg := bigQueryCostConfig(t, dir, "{warn_after: 240h}")
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(3, 0, ""))
	srv := bqfake.New()
	defer srv.Close()
	srv.QueryResult = stepResults{failing: costRelationshipsFailing}.hook(cfg)
	m, err := Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-03"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	if !errors.Is(err, ErrCheck) || m.FailedStep != "check" {
		t.Fatalf("run error = %v at step %q, want ErrCheck at step check", err, m.FailedStep)
	}
	if want := "check cost_lines.account_id.relationships on cost_lines: 2 failing rows"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}

	var failed *checks.Result
	for i, c := range m.Checks {
		if c.Name == "cost_lines.account_id.relationships" {
			failed = &m.Checks[i]
		}
	}
	if failed == nil || failed.Status != checks.StatusFailed || failed.FailingCount != 2 {
		t.Fatalf("manifest result = %+v, want failed with 2 rows", failed)
	}
	wantSample := `[{"line_id":"k1","account_id":"initech","billed_cost":"1.50000000000000000000000000000000000000",` +
		`"charge_period_start":"2026-06-01T00:00:00Z","dt":"2026-06-01"},` +
		`{"line_id":"k2","account_id":"initech","billed_cost":"2.00000000000000000000000000000000000000",` +
		`"charge_period_start":"2026-06-02T00:00:00Z","dt":"2026-06-02"}]`
	if string(failed.Sample) != wantSample {
		t.Errorf("sample\n got %s\nwant %s", failed.Sample, wantSample)
	}
	sample := findQuery(queriesSent(srv), "SELECT * FROM ("+failed.SQL+") AS failing ORDER BY TO_JSON_STRING(failing) LIMIT 20")
	if len(sample) != 1 || strings.Join(sample[0].params, ",") != "2026-06-01,2026-06-02,2026-06-03,unattributed" {
		t.Errorf("sample query = %v, want once with the count query's parameters", sample)
	}

	_, rows := jsonRows(t, srv, checkJobID(m, "check_results"))
	var recorded map[string]any
	for _, row := range rows {
		if row["check_name"] == failed.Name {
			recorded = row
		}
	}
	if recorded == nil || recorded["status"] != "failed" || recorded["failing_count"] != 2.0 ||
		recorded["sample"] != wantSample || recorded["sql"] != failed.SQL {
		t.Errorf("check_results row = %v, want failed with 2 rows, the sample and the query", recorded)
	}

	if _, err := os.Stat(filepath.Join(dir, "out", "packs")); !os.IsNotExist(err) {
		t.Errorf("packs directory exists after a failed check (stat error %v); render must not run", err)
	}
	for _, q := range queriesSent(srv) {
		if strings.HasPrefix(q.text, "SELECT ") && strings.Contains(q.text, "FROM `acme-prod.evidence.account_metrics`") {
			t.Errorf("render queried after a failed check: %s", q.text)
		}
	}
}

func TestBigQueryRowCountDropFailsRun(t *testing.T) {
	dir := t.TempDir()
	cfg := bigQueryCostConfig(t, dir, "{warn_after: 240h}")
	cfg.Checks = []config.Check{{Name: "cost drop", Table: "cost_lines", Kind: config.CheckRowCountDrop,
		MaxDropShare: ptrFloat(0.5), Severity: config.SeverityError}}
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(3, 0, ""))
	srv := bqfake.New()
	defer srv.Close()
	srv.QueryResult = stepResults{runs: [][]any{previousRunRow(t, 4, focusHeader)}, rowCount: 3}.hook(cfg)
	_, err := Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-03"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	want := "check cost drop on cost_lines: cost_lines has 3 rows for 2026-06-01..2026-06-03, 75.0% fewer than the 12 of run run-prev"
	if !errors.Is(err, ErrCheck) || !strings.Contains(err.Error(), want) {
		t.Errorf("run error = %v, want ErrCheck with %q", err, want)
	}
}

func TestBigQueryStaleSourceFailsRun(t *testing.T) {
	dir := t.TempDir()
	cfg := bigQueryCostConfig(t, dir, "{warn_after: 36h, error_after: 72h}")
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(26, 0, ""))
	srv := bqfake.New()
	defer srv.Close()
	// 2026-06-26T00:00:00Z, five days before the end of June.
	srv.QueryResult = stepResults{newest: 1782432000000000}.hook(cfg)
	m, err := Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-30"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	want := "source cloud_bill: newest cost line is 5d older than the end of the window 2026-06-30 (error_after 72h)"
	if !errors.Is(err, ErrCheck) || !strings.Contains(err.Error(), want) {
		t.Fatalf("run error = %v, want ErrCheck with %q", err, want)
	}
	_, rows := jsonRows(t, srv, checkJobID(m, "source_freshness"))
	if len(rows) != 1 || rows[0]["status"] != "failed" || rows[0]["severity"] != "error" ||
		!strings.Contains(fmt.Sprint(rows[0]["note"]), want) || rows[0]["age_seconds"] != 5*86400.0 {
		t.Errorf("source_freshness rows = %v, want cloud_bill failed with severity error, its note and age", rows)
	}
}

// loadJobs returns the ids of the load jobs the fake received.
func loadJobs(srv *bqfake.Server) []string {
	var out []string
	for _, j := range srv.Jobs() {
		if j.Configuration.Load != nil {
			out = append(out, j.JobReference.JobId)
		}
	}
	return out
}

func TestBigQueryContractDroppedColumn(t *testing.T) {
	dir := t.TempDir()
	cfg := bigQueryCostConfig(t, dir, "{warn_after: 240h}")
	// The earlier run read ServiceName, which this export lacks.
	header := strings.Replace(focusHeader, "ServiceName,", "", 1)
	var b strings.Builder
	b.WriteString(header)
	for _, line := range strings.Split(strings.TrimSpace(monthToDate(3, 0, "")), "\n")[1:] {
		cells := strings.Split(line, ",")
		b.WriteString(strings.Join(append(cells[:6:6], cells[7]), ",") + "\n")
	}
	writeText(t, filepath.Join(dir, "bill", "june.csv"), b.String())

	srv := bqfake.New()
	defer srv.Close()
	srv.QueryResult = stepResults{runs: [][]any{previousRunRow(t, 1, focusHeader)}}.hook(cfg)
	m, err := Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-03"),
		Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	if !errors.Is(err, ErrInput) || m.FailedStep != "contract" {
		t.Fatalf("run error = %v at step %q, want ErrInput at step contract", err, m.FailedStep)
	}
	if want := "input column ServiceName (type text (CSV), read into service) is missing; run run-prev had it"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}

	if _, err := os.Stat(filepath.Join(dir, "out", "facts")); !os.IsNotExist(err) {
		t.Errorf("facts directory exists after a failed contract step (stat error %v)", err)
	}
	for _, id := range loadJobs(srv) {
		if !strings.Contains(id, "_runs_") {
			t.Errorf("load job %s after a failed contract step; only the runs record may be loaded", id)
		}
	}
}

func TestBigQueryContractDetectsDriftedTable(t *testing.T) {
	dir := t.TempDir()
	cfg := bigQueryCostConfig(t, dir, "{warn_after: 240h}")
	writeText(t, filepath.Join(dir, "bill", "june.csv"), monthToDate(3, 0, ""))
	srv := bqfake.New()
	defer srv.Close()
	srv.QueryResult = stepResults{}.hook(cfg)
	ep := warehouse.Endpoints{BigQuery: srv.Endpoint()}
	ctx := context.Background()
	w, err := warehouse.OpenBigQuery(ctx, warehouse.BigQueryConfigOf(cfg), ep)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// Someone retyped a money column and recreated incidents unpartitioned.
	for _, f := range srv.Table("evidence", "cost_lines").Schema.Fields {
		if f.Name == "billed_cost" {
			f.Type, f.Precision, f.Scale = "FLOAT", 0, 0
		}
	}
	srv.Table("evidence", "incidents").TimePartitioning = nil

	m, err := Run(ctx, cfg, Options{From: date("2026-06-01"), To: date("2026-06-03"), Endpoints: ep})
	if !errors.Is(err, config.ErrInvalid) || !warehouse.IsSchemaError(err) {
		t.Fatalf("run error = %v, want a schema error of an invalid config", err)
	}
	for _, want := range []string{
		"table cost_lines: column billed_cost is FLOAT REQUIRED in BigQuery but BIGNUMERIC(38,18) REQUIRED in this version",
		"table incidents is not partitioned by day on dt in BigQuery",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	var steps []string
	for _, s := range m.Steps {
		steps = append(steps, s.Step)
	}
	if got := strings.Join(steps, ","); got != "sweep,extract,budget" {
		t.Errorf("finished steps = %s, want the run stopped in the contract step after budget", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "facts")); !os.IsNotExist(err) {
		t.Errorf("facts directory exists after the drift was found (stat error %v)", err)
	}
	if ids := loadJobs(srv); len(ids) != 0 {
		t.Errorf("load jobs %v after the drift was found, want none", ids)
	}
}

// mirrorQueries makes the fake run every query on a DuckDB copy of the
// rows its tables contain, and returns the copy.
func mirrorQueries(t *testing.T, srv *bqfake.Server) *duckmirror.Mirror {
	t.Helper()
	mirror, err := duckmirror.New(srv, "acme-prod", "evidence")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mirror.Close() })
	srv.QueryResult = func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		if strings.HasPrefix(query, "-- ") {
			// A CREATE OR REPLACE VIEW job: the copy has DuckDB's views.
			return nil, nil
		}
		// DuckDB has no TO_JSON_STRING, so the samples sort by its
		// to_json of the row.
		query = strings.ReplaceAll(query, "TO_JSON_STRING(failing)", "CAST(to_json(failing) AS VARCHAR)")
		schema, rows, err := mirror.Query(query, params)
		if err != nil {
			t.Errorf("mirror query %q: %v", query, err)
		}
		return schema, rows
	}
	return mirror
}

func TestBigQueryChecksReadLoadedRows(t *testing.T) {
	dir := t.TempDir()
	cfg := bigQueryCostConfig(t, dir, "{warn_after: 36h, error_after: 240h}")
	cfg.Checks = []config.Check{
		{Name: "small bills", Kind: config.CheckCustomSQL, Severity: config.SeverityWarn,
			SQL: "SELECT line_id, billed_cost FROM cost_lines WHERE billed_cost < 2"},
		{Name: "cost drop", Table: "cost_lines", Kind: config.CheckRowCountDrop, MaxDropShare: ptrFloat(0.5),
			Severity: config.SeverityError},
	}
	bill := filepath.Join(dir, "bill", "june.csv")
	srv := bqfake.New()
	defer srv.Close()
	mirror := mirrorQueries(t, srv)
	run := func() (*Manifest, error) {
		t.Helper()
		return Run(context.Background(), cfg, Options{From: date("2026-06-01"), To: date("2026-06-03"),
			Endpoints: warehouse.Endpoints{BigQuery: srv.Endpoint()}})
	}

	// June 2 bills 5.00, so the warn check finds the lines of June 1 and 3.
	writeText(t, bill, monthToDate(3, 2, "5.00"))
	first, err := run()
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	var small *checks.Result
	for i, c := range first.Checks {
		if c.Failed() && c.Name != "small bills" {
			t.Errorf("check %s failed on clean rows: %d rows %s %s", c.Name, c.FailingCount, c.Sample, c.Message)
		}
		if c.Name == "small bills" {
			small = &first.Checks[i]
		}
	}
	if small == nil || small.FailingCount != 2 || !strings.Contains(string(small.Sample), `"billed_cost":"1.000000000000000000`) {
		t.Fatalf("small bills = %+v, want 2 failing lines of 1.00", small)
	}
	if f := first.Freshness; len(f) != 1 || f[0].Status != checks.StatusPassed || f[0].AgeSeconds != 86400 {
		t.Errorf("freshness = %+v, want cloud_bill passed one day old", f)
	}
	db, err := mirror.DB()
	if err != nil {
		t.Fatal(err)
	}
	var status string
	var failing int
	err = db.QueryRow("SELECT status, failing_count FROM check_results WHERE run_id = ? AND check_name = 'small bills'",
		first.RunID).Scan(&status, &failing)
	if err != nil || status != "failed" || failing != 2 {
		t.Errorf("check_results row of small bills: %s %d (%v), want failed 2", status, failing, err)
	}

	// Only June 1 is left, so cost_lines holds 1 of the first run's 3 rows.
	writeText(t, bill, monthToDate(1, 0, ""))
	second, err := run()
	want := fmt.Sprintf("cost_lines has 1 rows for 2026-06-01..2026-06-03, 66.7%% fewer than the 3 of run %s", first.RunID)
	if !errors.Is(err, ErrCheck) || !strings.Contains(err.Error(), want) {
		t.Fatalf("second run error = %v, want ErrCheck with %q", err, want)
	}
	if db, err = mirror.DB(); err != nil {
		t.Fatal(err)
	}
	var runs int
	err = db.QueryRow("SELECT COUNT(DISTINCT run_id) FROM check_results WHERE run_id IN (?, ?)",
		first.RunID, second.RunID).Scan(&runs)
	if err != nil || runs != 2 {
		t.Errorf("check_results holds %d of the two runs (%v), want both", runs, err)
	}

	// The export lost ServiceName, which the first run read. The second
	// run failed, so the third is compared with the first.
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(monthToDate(3, 0, "")), "\n") {
		cells := strings.Split(line, ",")
		b.WriteString(strings.Join(append(cells[:6:6], cells[7]), ",") + "\n")
	}
	writeText(t, bill, b.String())
	third, err := run()
	if !errors.Is(err, ErrInput) || third.FailedStep != "contract" {
		t.Fatalf("third run error = %v at step %q, want ErrInput at step contract", err, third.FailedStep)
	}
	if want := "input column ServiceName (type text (CSV), read into service) is missing; run " + first.RunID + " had it"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}
