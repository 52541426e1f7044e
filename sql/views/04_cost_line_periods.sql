-- cost_line_periods: each cost line joined to its month and its quarter by
-- charge_period_start in the account's time zone.
-- Grain: one row per cost line and period (two rows per line).
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   line_id, charge_period_start, account_id, provider, service,
--   charge_category, billed_cost, effective_cost, currency,
--   commitment_purchase
--       as in cost_lines
CREATE OR REPLACE VIEW {{ table "cost_line_periods" }} AS
-- Each fact gets the month and the quarter that contain its local time.
-- These are the rows of a range join with periods, found without a join,
-- and a filter on account_id reaches the scan of cost_lines.
SELECT
  'month' AS grain,
  {{ month_label "m.period_start" }} AS period,
  m.period_start,
  {{ add_months "m.period_start" "1" }} AS period_end,
  m.line_id,
  m.charge_period_start,
  m.account_id,
  m.provider,
  m.service,
  m.charge_category,
  m.billed_cost,
  m.effective_cost,
  m.currency,
  m.commitment_purchase
FROM (
  SELECT c.*, {{ date_trunc "month" (local_time "c.charge_period_start" "a.time_zone") }} AS period_start
  FROM {{ table "cost_lines" }} AS c
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = c.account_id
  WHERE c.charge_period_start IS NOT NULL
) AS m
UNION ALL
SELECT
  'quarter',
  {{ quarter_label "q.period_start" }},
  q.period_start,
  {{ add_months "q.period_start" "3" }},
  q.line_id,
  q.charge_period_start,
  q.account_id,
  q.provider,
  q.service,
  q.charge_category,
  q.billed_cost,
  q.effective_cost,
  q.currency,
  q.commitment_purchase
FROM (
  SELECT c.*, {{ date_trunc "quarter" (local_time "c.charge_period_start" "a.time_zone") }} AS period_start
  FROM {{ table "cost_lines" }} AS c
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = c.account_id
  WHERE c.charge_period_start IS NOT NULL
) AS q
