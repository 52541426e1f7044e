// Package synthetic fills a DuckDB warehouse with generated accounts and
// one quarter of facts each, for the render tests and benchmarks.
package synthetic

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	evsql "evidencepack/sql"
)

// facts fill the tables for accounts acct-00000, acct-00001, …
// with one quarter, 2026-Q3, of varied facts per account: 60 usage events
// over 40 cases in two workflows (some reopened, some without handle time),
// 20 review labels, 7 cost lines (a commitment purchase, a credit and, for
// every third account, a GBP line) and 2 incidents (one unresolved). Every
// fifth account is in EUR, every second permits learning and every
// seventh has a workflow in trial.
var facts = []string{
	`INSERT INTO pack_settings VALUES (7, TIMESTAMP '2026-10-15 00:00:00', 5, 0.5, 0, 2, 0.1)`,
	`INSERT INTO accounts (account_id, name, currency, renewal_date, annual_contract_value, learning_permitted)
SELECT printf('acct-%05d', i), printf('Account %d', i), CASE WHEN i % 5 = 0 THEN 'EUR' ELSE 'USD' END,
  DATE '2027-03-31', 100000 + i, i % 2 = 0
FROM range(?) AS r(i)`,
	`INSERT INTO account_workflows (account_id, workflow, baseline_handle_time_seconds, baseline_reopen_rate,
  hourly_cost_rate, autonomy_level, trial)
SELECT printf('acct-%05d', i), w.name, w.baseline, w.reopen, w.rate, w.level, w.name = 'billing' AND i % 7 = 0
FROM range(?) AS r(i),
  (VALUES ('claims', 1200.0, 0.10, 55.00, 'recommendation'), ('billing', 900.0, 0.05, 40.00, 'draft'))
  AS w(name, baseline, reopen, rate, level)`,
	`INSERT INTO usage_events (event_id, occurred_at, account_id, workflow, case_id, user_id, event_type,
  autonomy_level, handle_time_seconds)
SELECT printf('e-%d-%d', i, j), TIMESTAMP '2026-07-01 09:00:00' + to_hours(CAST(j * 35 + i % 24 AS BIGINT)),
  printf('acct-%05d', i), CASE WHEN j % 2 = 0 THEN 'claims' ELSE 'billing' END, printf('c-%d', j % 40),
  printf('u-%d', (i + j) % 9),
  CASE WHEN j % 10 = 9 THEN 'case_reopened' WHEN j % 15 = 7 THEN 'audit_export_completed' ELSE 'case_resolved' END,
  'recommendation', CASE WHEN j % 11 = 0 THEN NULL ELSE 500 + (i * 7 + j * 13) % 900 END
FROM range(?) AS r(i), range(60) AS e(j)`,
	`INSERT INTO review_labels (label_id, labeled_at, account_id, workflow, case_id, reviewer_id, verdict,
  failure_category, incorporated_as)
SELECT printf('l-%d-%d', i, j), TIMESTAMP '2026-07-02 12:00:00' + to_days(CAST(j * 4 AS INTEGER)),
  printf('acct-%05d', i), CASE WHEN j % 2 = 0 THEN 'claims' ELSE 'billing' END, printf('c-%d', j % 15), 'r-1',
  CASE WHEN (i + j) % 5 = 0 THEN 'incorrect' WHEN j % 7 = 0 THEN 'partially_correct' ELSE 'correct' END,
  CASE WHEN (i + j) % 5 = 0 THEN printf('category-%d', j % 6) END,
  CASE WHEN j % 4 = 0 THEN 'eval' END
FROM range(?) AS r(i), range(20) AS l(j)`,
	`INSERT INTO cost_lines (line_id, charge_period_start, charge_period_end, account_id, provider, service,
  charge_category, billed_cost, effective_cost, currency, commitment_purchase)
SELECT printf('k-%d-%d', i, j), TIMESTAMP '2026-07-01 00:00:00' + to_days(CAST(j * 13 AS INTEGER)),
  TIMESTAMP '2026-07-02 00:00:00' + to_days(CAST(j * 13 AS INTEGER)), printf('acct-%05d', i), 'AWS',
  CASE WHEN j % 3 = 0 THEN 'Bedrock' ELSE 'SageMaker' END,
  CASE WHEN j = 5 THEN 'Credit' WHEN j = 0 THEN 'Purchase' ELSE 'Usage' END,
  CAST((i % 97) + j * 10.25 AS DECIMAL(38, 18)) * CASE WHEN j = 5 THEN -1 ELSE 1 END,
  CAST((i % 97) + j * 9.75 AS DECIMAL(38, 18)) * CASE WHEN j = 5 THEN -1 ELSE 1 END,
  CASE WHEN j = 6 THEN 'GBP' WHEN i % 5 = 0 THEN 'EUR' ELSE 'USD' END, j = 0
FROM range(?) AS r(i), range(7) AS c(j)
WHERE j < 6 OR i % 3 = 0`,
	`INSERT INTO incidents (incident_id, account_id, severity, opened_at, resolved_at, status, service, workflow)
SELECT printf('INC-%d-%d', i, j), printf('acct-%05d', i), printf('sev%d', 1 + (i + j) % 4),
  TIMESTAMP '2026-08-03 08:00:00' + to_hours(CAST(i % 500 + j * 300 AS BIGINT)),
  CASE WHEN j = 0 THEN TIMESTAMP '2026-08-03 08:00:00' + to_hours(CAST(i % 500 + 5 AS BIGINT)) END,
  CASE WHEN j = 0 THEN 'resolved' ELSE 'triggered' END, 'api', 'claims'
FROM range(?) AS r(i), range(2) AS n(j)`,
}

// Load creates the tables and views in db and loads the facts of
// accounts accounts.
func Load(ctx context.Context, db *sql.DB, accounts int) error {
	if err := evsql.Apply(ctx, db, evsql.DuckDB()); err != nil {
		return err
	}
	for i, statement := range facts {
		var args []any
		if i > 0 {
			args = []any{accounts}
		}
		if _, err := db.ExecContext(ctx, statement, args...); err != nil {
			return fmt.Errorf("load synthetic facts, statement %d: %w", i, err)
		}
	}
	return nil
}

// ID returns the id of the i-th account.
func ID(i int) string {
	return fmt.Sprintf("acct-%05d", i)
}

// BenchSizes returns the warehouse sizes of the render benchmarks: 1, 100
// and 1000 accounts, and 10000 when EVIDENCEPACK_BENCH_10K is set, because
// loading and rendering that size takes minutes.
func BenchSizes() []int {
	sizes := []int{1, 100, 1000}
	if os.Getenv("EVIDENCEPACK_BENCH_10K") != "" {
		sizes = append(sizes, 10000)
	}
	return sizes
}
