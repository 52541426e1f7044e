package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/jobs/finance"
	"evidencepack/jobs/warehouse/bqfake/duckmirror"
)

func TestReconcileDifferenceExitCode(t *testing.T) {
	err := fmt.Errorf("%w: 2 of 31 rows of 2026-Q3 differ", finance.ErrDifference)
	if got := exitCode(err); got != exitDifference {
		t.Errorf("exit code = %d, want %d", got, exitDifference)
	}
}

func TestReconcileInvalidPeriod(t *testing.T) {
	res := runCLI(t, t.TempDir(), "reconcile", "--config", "missing.yaml", "--period", "2026-Q5")
	if res.code != exitUsage {
		t.Errorf("exit code = %d, want %d\n%s", res.code, exitUsage, res.stderr)
	}
}

// TestReconcileBigQueryFake runs July of the demo into the fake BigQuery
// and reconciles it with the binary. The fake runs its queries on a
// DuckDB copy of what the run loaded, so reconcile reads the loaded cost
// lines back through BigQuery queries.
func TestReconcileBigQueryFake(t *testing.T) {
	dir, srv := bigQueryWorkspace(t)
	mirror, err := duckmirror.New(srv, "acme-prod", "evidence")
	if err != nil {
		t.Fatal(err)
	}
	defer mirror.Close()
	// Views and queries of other steps may use forms that DuckDB lacks,
	// so they get no rows. The reconcile output below shows whether its
	// queries ran.
	srv.QueryResult = func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any) {
		schema, rows, _ := mirror.Query(query, params)
		return schema, rows
	}

	res := runCLI(t, dir, "run", "--config", "config/demo.yaml", "--from", "2026-07-01", "--to", "2026-07-31")
	if res.code != 0 {
		t.Fatalf("run exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	res = runCLI(t, dir, "reconcile", "--config", "config/demo.yaml", "--period", "2026-07")
	if res.code != 0 {
		t.Fatalf("reconcile exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "2026-07: every loaded total equals its source total") {
		t.Errorf("reconcile output lacks the outcome line:\n%s", res.stdout)
	}
	// One row per currency total, whose loaded line count is the fourth
	// column, must show loaded lines.
	totals := 0
	for _, line := range strings.Split(res.stdout, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 5 || fields[0] != "(all" {
			continue
		}
		totals++
		if fields[4] == "0" {
			t.Errorf("currency total without loaded lines: %s", line)
		}
	}
	if totals == 0 {
		t.Errorf("reconcile printed no currency total:\n%s", res.stdout)
	}
	for _, file := range []string{"reconcile.csv", "cost_value_by_month.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "out", "finance", "2026-07", file)); err != nil {
			t.Errorf("finance file: %v", err)
		}
	}
	queried := false
	for _, j := range srv.Jobs() {
		if q := j.Configuration.Query; q != nil && strings.Contains(q.Query, "FROM `acme-prod.evidence.cost_lines`") {
			queried = true
		}
	}
	if !queried {
		t.Error("reconcile sent no query of cost_lines to BigQuery")
	}
}
