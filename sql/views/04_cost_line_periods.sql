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
-- dt, the UTC date of the fact's time, is within a day of its local time,
-- so the dt condition drops no row. It lets DuckDB skip the partitions far
-- from the periods joined, such as all but one quarter when a render has
-- copied only its period into a TEMP periods table. Rows without dt, which
-- only a hand-written INSERT leaves, follow after UNION ALL.
SELECT
  p.grain,
  p.period,
  p.period_start,
  p.period_end,
  c.line_id,
  c.charge_period_start,
  c.account_id,
  c.provider,
  c.service,
  c.charge_category,
  c.billed_cost,
  c.effective_cost,
  c.currency,
  c.commitment_purchase
FROM {{ table "cost_lines" }} AS c
LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = c.account_id
JOIN {{ table "periods" }} AS p
  ON {{ dt_near_period "c.dt" "p.period_start" "p.period_end" }}
  AND {{ local_time "c.charge_period_start" "a.time_zone" }} >= p.period_start
  AND {{ local_time "c.charge_period_start" "a.time_zone" }} < p.period_end
UNION ALL
-- A row without dt gets the month and the quarter of its local time: the
-- rows of the periods view that the join above matches, because that view
-- has the quarter of every fact and its three months. A TEMP copy of
-- periods does not limit these rows.
SELECT
{{ undated_period_columns "g" }}
  g.line_id,
  g.charge_period_start,
  g.account_id,
  g.provider,
  g.service,
  g.charge_category,
  g.billed_cost,
  g.effective_cost,
  g.currency,
  g.commitment_purchase
FROM (
{{ undated_facts "cost_lines" "c" "charge_period_start" }}
) AS g
