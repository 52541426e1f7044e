-- periods: the calendar quarters that contain any fact in the time zone
-- of its account, and all three months of each, so that a quarter's trend
-- always has three months. The bounds are wall-clock times without a
-- zone: the *_periods views compare them with each fact's time in its
-- account's zone (accounts.time_zone, UTC when unknown).
-- Grain: one row per period.
-- Columns:
--   grain         'month' or 'quarter'
--   period        '2026-07' for a month, '2026-Q3' for a quarter
--   period_start  first local time of the period, inclusive
--   period_end    first local time after the period, exclusive
CREATE OR REPLACE VIEW `acme-prod.evidence.periods` AS
WITH fact_quarters AS (
  -- dt is the UTC date of each fact's time. Only a fact within a day of a
  -- quarter start can fall in another quarter in local time, so only such
  -- facts are converted to their account's time zone, and the rest take
  -- the quarter of dt.
  SELECT CASE
    WHEN (f.dt IS NULL OR TIMESTAMP_TRUNC(TIMESTAMP_ADD(TIMESTAMP(f.dt), INTERVAL (-1) DAY), QUARTER) <> TIMESTAMP_TRUNC(TIMESTAMP_ADD(TIMESTAMP(f.dt), INTERVAL (1) DAY), QUARTER))
      THEN TIMESTAMP_TRUNC(TIMESTAMP(DATETIME(TIMESTAMP(f.occurred_at), COALESCE(a.time_zone, 'UTC'))), QUARTER)
    ELSE TIMESTAMP_TRUNC(TIMESTAMP(f.dt), QUARTER)
  END AS quarter_start
  FROM `acme-prod.evidence.usage_events` AS f
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = f.account_id
  WHERE f.occurred_at IS NOT NULL
  UNION DISTINCT
  SELECT CASE
    WHEN (f.dt IS NULL OR TIMESTAMP_TRUNC(TIMESTAMP_ADD(TIMESTAMP(f.dt), INTERVAL (-1) DAY), QUARTER) <> TIMESTAMP_TRUNC(TIMESTAMP_ADD(TIMESTAMP(f.dt), INTERVAL (1) DAY), QUARTER))
      THEN TIMESTAMP_TRUNC(TIMESTAMP(DATETIME(TIMESTAMP(f.labeled_at), COALESCE(a.time_zone, 'UTC'))), QUARTER)
    ELSE TIMESTAMP_TRUNC(TIMESTAMP(f.dt), QUARTER)
  END
  FROM `acme-prod.evidence.review_labels` AS f
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = f.account_id
  WHERE f.labeled_at IS NOT NULL
  UNION DISTINCT
  SELECT CASE
    WHEN (f.dt IS NULL OR TIMESTAMP_TRUNC(TIMESTAMP_ADD(TIMESTAMP(f.dt), INTERVAL (-1) DAY), QUARTER) <> TIMESTAMP_TRUNC(TIMESTAMP_ADD(TIMESTAMP(f.dt), INTERVAL (1) DAY), QUARTER))
      THEN TIMESTAMP_TRUNC(TIMESTAMP(DATETIME(TIMESTAMP(f.charge_period_start), COALESCE(a.time_zone, 'UTC'))), QUARTER)
    ELSE TIMESTAMP_TRUNC(TIMESTAMP(f.dt), QUARTER)
  END
  FROM `acme-prod.evidence.cost_lines` AS f
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = f.account_id
  WHERE f.charge_period_start IS NOT NULL
  UNION DISTINCT
  SELECT CASE
    WHEN (f.dt IS NULL OR TIMESTAMP_TRUNC(TIMESTAMP_ADD(TIMESTAMP(f.dt), INTERVAL (-1) DAY), QUARTER) <> TIMESTAMP_TRUNC(TIMESTAMP_ADD(TIMESTAMP(f.dt), INTERVAL (1) DAY), QUARTER))
      THEN TIMESTAMP_TRUNC(TIMESTAMP(DATETIME(TIMESTAMP(f.opened_at), COALESCE(a.time_zone, 'UTC'))), QUARTER)
    ELSE TIMESTAMP_TRUNC(TIMESTAMP(f.dt), QUARTER)
  END
  FROM `acme-prod.evidence.incidents` AS f
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = f.account_id
  WHERE f.opened_at IS NOT NULL
),
month_offsets AS (
  SELECT 0 AS month_offset
  UNION ALL SELECT 1
  UNION ALL SELECT 2
)
SELECT
  'quarter' AS grain,
  FORMAT_TIMESTAMP('%Y-Q%Q', quarter_start) AS period,
  quarter_start AS period_start,
  TIMESTAMP(DATETIME_ADD(DATETIME(quarter_start), INTERVAL (3) MONTH)) AS period_end
FROM fact_quarters
UNION ALL
SELECT
  'month' AS grain,
  FORMAT_TIMESTAMP('%Y-%m', TIMESTAMP(DATETIME_ADD(DATETIME(q.quarter_start), INTERVAL (o.month_offset) MONTH))) AS period,
  TIMESTAMP(DATETIME_ADD(DATETIME(q.quarter_start), INTERVAL (o.month_offset) MONTH)) AS period_start,
  TIMESTAMP(DATETIME_ADD(DATETIME(q.quarter_start), INTERVAL (o.month_offset + 1) MONTH)) AS period_end
FROM fact_quarters AS q
CROSS JOIN month_offsets AS o
