-- periods: the calendar quarters that contain any fact, and all three
-- months of each, so that a quarter's trend always has three months.
-- Grain: one row per period.
-- Columns:
--   grain         'month' or 'quarter'
--   period        '2026-07' for a month, '2026-Q3' for a quarter
--   period_start  first instant of the period, UTC, inclusive
--   period_end    first instant after the period, UTC, exclusive
CREATE OR REPLACE VIEW `acme-prod.evidence.periods` AS
WITH fact_quarters AS (
  SELECT TIMESTAMP_TRUNC(occurred_at, QUARTER) AS quarter_start
  FROM `acme-prod.evidence.usage_events` WHERE occurred_at IS NOT NULL
  UNION DISTINCT
  SELECT TIMESTAMP_TRUNC(labeled_at, QUARTER)
  FROM `acme-prod.evidence.review_labels` WHERE labeled_at IS NOT NULL
  UNION DISTINCT
  SELECT TIMESTAMP_TRUNC(charge_period_start, QUARTER)
  FROM `acme-prod.evidence.cost_lines` WHERE charge_period_start IS NOT NULL
  UNION DISTINCT
  SELECT TIMESTAMP_TRUNC(opened_at, QUARTER)
  FROM `acme-prod.evidence.incidents` WHERE opened_at IS NOT NULL
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
