-- cost_line_periods: each cost line joined to its month and its quarter by
-- charge_period_start in the account's time zone.
-- Grain: one row per cost line and period (two rows per line).
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   line_id, charge_period_start, account_id, provider, service,
--   charge_category, billed_cost, effective_cost, currency,
--   commitment_purchase
--       as in cost_lines
CREATE OR REPLACE VIEW `acme-prod.evidence.cost_line_periods` AS
-- Each fact gets the month and the quarter that contain its local time.
-- These are the rows of a range join with periods, found without a join.
WITH localized AS (
  SELECT c.*, TIMESTAMP(DATETIME(TIMESTAMP(c.charge_period_start), COALESCE(a.time_zone, 'UTC'))) AS local_at
  FROM `acme-prod.evidence.cost_lines` AS c
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = c.account_id
  WHERE c.charge_period_start IS NOT NULL
),
keyed AS (
  SELECT
    g.grain,
    CASE g.grain
      WHEN 'month' THEN TIMESTAMP_TRUNC(f.local_at, MONTH)
      ELSE TIMESTAMP_TRUNC(f.local_at, QUARTER)
    END AS period_start,
    g.months,
    f.*
  FROM localized AS f
  CROSS JOIN (SELECT 'month' AS grain, 1 AS months UNION ALL SELECT 'quarter', 3) AS g
)
SELECT
  k.grain,
  CASE k.grain
    WHEN 'month' THEN FORMAT_TIMESTAMP('%Y-%m', k.period_start)
    ELSE FORMAT_TIMESTAMP('%Y-Q%Q', k.period_start)
  END AS period,
  k.period_start,
  TIMESTAMP(DATETIME_ADD(DATETIME(k.period_start), INTERVAL (k.months) MONTH)) AS period_end,
  k.line_id,
  k.charge_period_start,
  k.account_id,
  k.provider,
  k.service,
  k.charge_category,
  k.billed_cost,
  k.effective_cost,
  k.currency,
  k.commitment_purchase
FROM keyed AS k
