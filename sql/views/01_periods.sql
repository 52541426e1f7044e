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
CREATE OR REPLACE VIEW {{ table "periods" }} AS
WITH fact_quarters AS (
  -- dt is the UTC date of each fact's time. Only a fact within a day of a
  -- quarter start can fall in another quarter in local time, so only such
  -- facts are converted to their account's time zone, and the rest take
  -- the quarter of dt.
  SELECT CASE
    WHEN {{ near_quarter_start "f.dt" }}
      THEN {{ date_trunc "quarter" (local_time "f.occurred_at" "a.time_zone") }}
    ELSE {{ date_trunc "quarter" (date_start "f.dt") }}
  END AS quarter_start
  FROM {{ table "usage_events" }} AS f
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = f.account_id
  WHERE f.occurred_at IS NOT NULL
  UNION DISTINCT
  SELECT CASE
    WHEN {{ near_quarter_start "f.dt" }}
      THEN {{ date_trunc "quarter" (local_time "f.labeled_at" "a.time_zone") }}
    ELSE {{ date_trunc "quarter" (date_start "f.dt") }}
  END
  FROM {{ table "review_labels" }} AS f
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = f.account_id
  WHERE f.labeled_at IS NOT NULL
  UNION DISTINCT
  SELECT CASE
    WHEN {{ near_quarter_start "f.dt" }}
      THEN {{ date_trunc "quarter" (local_time "f.charge_period_start" "a.time_zone") }}
    ELSE {{ date_trunc "quarter" (date_start "f.dt") }}
  END
  FROM {{ table "cost_lines" }} AS f
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = f.account_id
  WHERE f.charge_period_start IS NOT NULL
  UNION DISTINCT
  SELECT CASE
    WHEN {{ near_quarter_start "f.dt" }}
      THEN {{ date_trunc "quarter" (local_time "f.opened_at" "a.time_zone") }}
    ELSE {{ date_trunc "quarter" (date_start "f.dt") }}
  END
  FROM {{ table "incidents" }} AS f
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = f.account_id
  WHERE f.opened_at IS NOT NULL
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
