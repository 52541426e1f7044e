package finance

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/config"
	"evidencepack/jobs/demo"
	"evidencepack/jobs/run"
	"evidencepack/jobs/warehouse"
	"evidencepack/jobs/warehouse/bqfake"
	"evidencepack/jobs/warehouse/bqfake/duckmirror"
	evsql "evidencepack/sql"
	"evidencepack/transforms"
)

// bigQueryWarehouse is the warehouse section of the BigQuery config of
// TestReconcileBigQueryMatchesDuckDB.
const bigQueryWarehouse = "warehouse:\n  kind: bigquery\n  project: acme-prod\n  dataset: evidence\n  location: US\n"

// runConfig writes text to dir/config.yaml, loads it and runs 2026-Q3.
func runConfig(t *testing.T, dir, text string) *config.Config {
	t.Helper()
	cfg := writeConfig(t, dir, text)
	m, err := run.Run(context.Background(), cfg, run.Options{From: q3.Start, To: q3.LastDay(), ConfigBytes: []byte(text)})
	if err != nil {
		t.Fatalf("run %s: %v", dir, err)
	}
	if m.Status != run.StatusSucceeded {
		t.Fatalf("run %s status = %s", dir, m.Status)
	}
	return cfg
}

// writeConfig writes text to dir/config.yaml and loads it.
func writeConfig(t *testing.T, dir, text string) *config.Config {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return cfg
}

// loadIntoBigQuery loads what the DuckDB run of cfg loaded into the
// fake's dataset through the BigQuery warehouse: every partition of its
// Parquet tree, its accounts, its pack_settings row and the BigQuery
// views.
func loadIntoBigQuery(t *testing.T, cfg, bigCfg *config.Config, endpoints warehouse.Endpoints) {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.OpenBigQuery(ctx, warehouse.BigQueryConfigOf(bigCfg), endpoints)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.EnsureTables(ctx); err != nil {
		t.Fatal(err)
	}

	factsDir := filepath.Join(cfg.Resolve(cfg.OutputDir), "facts")
	var tables []warehouse.TableLoad
	for _, table := range transforms.Tables {
		dirs, err := filepath.Glob(filepath.Join(factsDir, table, "dt=*"))
		if err != nil {
			t.Fatal(err)
		}
		load := warehouse.TableLoad{Table: table}
		for _, dir := range dirs {
			d, err := time.Parse(time.DateOnly, strings.TrimPrefix(filepath.Base(dir), "dt="))
			if err != nil {
				t.Fatal(err)
			}
			load.Dates = append(load.Dates, d)
		}
		tables = append(tables, load)
	}

	views, err := evsql.Views(w.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	b := warehouse.Batch{RunID: "run-bq", FactsDir: factsDir, Tables: tables, Accounts: cfg.Accounts,
		Settings: duckDBSettings(t, cfg)}
	for _, v := range views {
		b.Views = append(b.Views, warehouse.Statement{Name: v.Name, SQL: v.SQL})
	}
	if err := w.Load(ctx, b); err != nil {
		t.Fatalf("load into the fake BigQuery: %v", err)
	}
}

// duckDBSettings reads the pack_settings row of the DuckDB warehouse.
func duckDBSettings(t *testing.T, cfg *config.Config) warehouse.PackSettings {
	t.Helper()
	db, err := OpenWarehouse(context.Background(), cfg.Resolve(cfg.Warehouse.Path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s warehouse.PackSettings
	err = db.QueryRow(`SELECT verification_window_days, data_through, min_reviewed_cases, min_review_accuracy,
		max_sev1_incidents, max_incidents, min_usage_growth FROM pack_settings`).Scan(&s.VerificationWindowDays,
		&s.DataThrough, &s.MinReviewedCases, &s.MinReviewAccuracy, &s.MaxSev1Incidents, &s.MaxIncidents, &s.MinUsageGrowth)
	if err != nil {
		t.Fatalf("read pack_settings: %v", err)
	}
	return s
}

// printed returns the report as reconcile prints it.
func printed(t *testing.T, r *Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.Print(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestReconcileBigQueryMatchesDuckDB runs one demo quarter into DuckDB,
// loads the same Parquet tree into the fake BigQuery through the
// BigQuery warehouse, then reconciles both. The fake runs its queries on
// a DuckDB copy of the Parquet and JSON that the load sent, so the
// BigQuery side goes through BigQuery's query text, parameters and
// result encoding.
func TestReconcileBigQueryMatchesDuckDB(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	// Three accounts keep the run short. The demo's fixed number of
	// defective records is then a larger share, so the reject budgets
	// are raised.
	if _, err := demo.Generate(ctx, filepath.Join(dir, "out", "demo-input"), demo.Options{Accounts: 3}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`max_reject_ratio: [0-9.]+`).ReplaceAllString(string(raw), "max_reject_ratio: 0.5")
	duckdb := "warehouse:\n  kind: duckdb\n  path: ../out/warehouse.duckdb\n"
	if !strings.Contains(text, duckdb) || !strings.Contains(text, "output_dir: ../out\n") {
		t.Fatal("config/demo.yaml has no DuckDB warehouse section or output_dir ../out to replace")
	}
	bigText := strings.Replace(strings.Replace(text, duckdb, bigQueryWarehouse, 1),
		"output_dir: ../out\n", "output_dir: ../out-bq\n", 1)

	srv := bqfake.New()
	defer srv.Close()
	mirror, err := duckmirror.New(srv, "acme-prod", "evidence")
	if err != nil {
		t.Fatal(err)
	}
	defer mirror.Close()
	srv.QueryResult = func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		schema, rows, err := mirror.Query(query, params)
		if err != nil {
			t.Errorf("mirror query %q: %v", query, err)
		}
		return schema, rows
	}
	endpoints := warehouse.Endpoints{BigQuery: srv.Endpoint()}

	duckCfg := runConfig(t, filepath.Join(dir, "config"), text)
	bigCfg := writeConfig(t, filepath.Join(dir, "config-bq"), bigText)
	loadIntoBigQuery(t, duckCfg, bigCfg, endpoints)
	duckRes, err := Run(ctx, duckCfg, q3, Options{})
	if err != nil {
		t.Fatalf("reconcile DuckDB: %v", err)
	}
	bigRes, err := Run(ctx, bigCfg, q3, Options{Endpoints: endpoints})
	if err != nil {
		t.Fatalf("reconcile BigQuery: %v", err)
	}

	if len(duckRes.Report.Rows) < 2 {
		t.Fatalf("DuckDB reconciliation has %d rows, want accounts and totals", len(duckRes.Report.Rows))
	}
	checkNoDifference(t, bigRes)
	if got, want := printed(t, bigRes.Report), printed(t, duckRes.Report); got != want {
		t.Errorf("BigQuery reconciliation prints\n%s\nDuckDB prints\n%s", got, want)
	}
	for _, file := range []string{ReconcileFile, CostValueFile} {
		want, err := os.ReadFile(filepath.Join(Dir(duckCfg.Resolve(duckCfg.OutputDir), q3.Label), file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(Dir(bigCfg.Resolve(bigCfg.OutputDir), q3.Label), file))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("BigQuery %s differs from DuckDB's:\n%s\nwant\n%s", file, got, want)
		}
	}
	if bigRes.WarehousePath != "acme-prod.evidence" {
		t.Errorf("warehouse = %q, want acme-prod.evidence", bigRes.WarehousePath)
	}
	checkTotalsQuery(t, srv)
}

// checkTotalsQuery checks the text and parameters of the cost_lines query
// that reconcile sent to BigQuery.
func checkTotalsQuery(t *testing.T, srv *bqfake.Server) {
	t.Helper()
	want, err := evsql.Query(evsql.BigQuery("acme-prod", "evidence"), "cost_line_totals")
	if err != nil {
		t.Fatal(err)
	}
	var sent *bq.JobConfigurationQuery
	for _, j := range srv.Jobs() {
		if q := j.Configuration.Query; q != nil && q.Query == want {
			sent = q
		}
	}
	if sent == nil {
		t.Fatalf("no query job with the text\n%s", want)
	}
	if !strings.Contains(sent.Query, "FROM `acme-prod.evidence.cost_lines`") {
		t.Errorf("query reads no qualified cost_lines:\n%s", sent.Query)
	}
	if len(sent.QueryParameters) != 2 {
		t.Fatalf("query has %d parameters, want 2", len(sent.QueryParameters))
	}
	for i, value := range []string{"2026-07-01", "2026-10-01"} {
		p := sent.QueryParameters[i]
		if p.Name != "" || p.ParameterType.Type != "STRING" || p.ParameterValue.Value != value {
			t.Errorf("parameter %d = %+v %+v, want the positional STRING %s", i+1, p.ParameterType, p.ParameterValue, value)
		}
	}
}
