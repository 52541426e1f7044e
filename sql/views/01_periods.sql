-- periods: the calendar quarters that contain any fact, and all three
-- months of each, so that a quarter's trend always has three months.
-- Grain: one row per period.
-- Columns:
--   grain         'month' or 'quarter'
--   period        '2026-07' for a month, '2026-Q3' for a quarter
--   period_start  first instant of the period, UTC, inclusive
--   period_end    first instant after the period, UTC, exclusive
CREATE OR REPLACE VIEW {{ table "periods" }} AS
WITH fact_quarters AS (
  SELECT {{ date_trunc "quarter" "occurred_at" }} AS quarter_start
  FROM {{ table "usage_events" }} WHERE occurred_at IS NOT NULL
  UNION DISTINCT
  SELECT {{ date_trunc "quarter" "labeled_at" }}
  FROM {{ table "review_labels" }} WHERE labeled_at IS NOT NULL
  UNION DISTINCT
  SELECT {{ date_trunc "quarter" "charge_period_start" }}
  FROM {{ table "cost_lines" }} WHERE charge_period_start IS NOT NULL
  UNION DISTINCT
  SELECT {{ date_trunc "quarter" "opened_at" }}
  FROM {{ table "incidents" }} WHERE opened_at IS NOT NULL
),
month_offsets AS (
  SELECT 0 AS month_offset
  UNION ALL SELECT 1
  UNION ALL SELECT 2
)
SELECT
  'quarter' AS grain,
  {{ quarter_label "quarter_start" }} AS period,
  quarter_start AS period_start,
  {{ add_months "quarter_start" "3" }} AS period_end
FROM fact_quarters
UNION ALL
SELECT
  'month' AS grain,
  {{ month_label (add_months "q.quarter_start" "o.month_offset") }} AS period,
  {{ add_months "q.quarter_start" "o.month_offset" }} AS period_start,
  {{ add_months "q.quarter_start" "o.month_offset + 1" }} AS period_end
FROM fact_quarters AS q
CROSS JOIN month_offsets AS o
