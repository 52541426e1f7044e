-- data_quality_notes: conditions that a reader of a pack should know about
-- because they shape its figures.
-- Grain: one row per account, period, check and detail.
-- Columns:
--   grain, period  as in periods
--   account_id     account the note is about
--   check_name     commitment_purchase: purchase rows left out of effective
--                  cost. other_currency_cost: cost lines in a currency
--                  other than the account's, left out of the pack totals.
--                  workflow_without_baseline: resolved cases of a workflow
--                  missing from account_workflows, left out of value
--                  figures. resolution_without_handle_time: resolved cases
--                  whose last resolution has no handle time, left out of
--                  mean handle times. stale_source: a source older than
--                  its freshness limit at the end of the latest run's
--                  window, for periods that end after its newest fact.
--   detail         the currency for commitment_purchase and
--                  other_currency_cost, the workflow or '(none)' for
--                  workflow_without_baseline, the sentence to show for
--                  stale_source, NULL otherwise
--   affected_rows  rows or cases the condition affects, 0 for stale_source
CREATE OR REPLACE VIEW `acme-prod.evidence.data_quality_notes` AS
SELECT
  grain, period, account_id,
  'commitment_purchase' AS check_name,
  currency AS detail,
  commitment_purchase_lines AS affected_rows
FROM `acme-prod.evidence.cost_by_currency`
WHERE commitment_purchase_lines > 0
UNION ALL
SELECT
  k.grain, k.period, k.account_id,
  'other_currency_cost' AS check_name,
  COALESCE(k.currency, '(none)') AS detail,
  k.cost_lines AS affected_rows
FROM `acme-prod.evidence.cost_by_currency` AS k
JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = k.account_id
WHERE k.currency IS NULL OR k.currency <> a.currency
UNION ALL
SELECT
  r.grain, r.period, r.account_id,
  'workflow_without_baseline' AS check_name,
  COALESCE(r.workflow, '(none)') AS detail,
  COUNT(*) AS affected_rows
FROM `acme-prod.evidence.resolved_cases` AS r
LEFT JOIN `acme-prod.evidence.account_workflows` AS w
  ON w.account_id = r.account_id AND w.workflow = r.workflow
WHERE w.account_id IS NULL
GROUP BY r.grain, r.period, r.account_id, COALESCE(r.workflow, '(none)')
UNION ALL
SELECT
  grain, period, account_id,
  'resolution_without_handle_time' AS check_name,
  CAST(NULL AS STRING) AS detail,
  COUNT(*) AS affected_rows
FROM `acme-prod.evidence.resolved_cases`
WHERE handle_time_seconds IS NULL
GROUP BY grain, period, account_id
UNION ALL
SELECT
  p.grain, p.period, p.account_id,
  'stale_source' AS check_name,
  f.note AS detail,
  0 AS affected_rows
FROM `acme-prod.evidence.account_periods` AS p
CROSS JOIN `acme-prod.evidence.source_freshness` AS f
WHERE f.status = 'failed'
  AND p.period_start < f.window_end
  AND (f.newest_at IS NULL OR p.period_end > f.newest_at)
