-- review_label_periods: each review label joined to its month and its
-- quarter by labeled_at in the account's time zone.
-- Grain: one row per label and period (two rows per label).
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   label_id, labeled_at, account_id, workflow, case_id, reviewer_id,
--   verdict, failure_category, incorporated_as
--       as in review_labels
CREATE OR REPLACE VIEW {{ table "review_label_periods" }} AS
-- Each fact gets the month and the quarter that contain its local time.
-- These are the rows of a range join with periods, found without a join.
WITH localized AS (
  SELECT l.*, {{ local_time "l.labeled_at" "a.time_zone" }} AS local_at
  FROM {{ table "review_labels" }} AS l
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = l.account_id
  WHERE l.labeled_at IS NOT NULL
),
keyed AS (
  SELECT
    g.grain,
    CASE g.grain
      WHEN 'month' THEN {{ date_trunc "month" "f.local_at" }}
      ELSE {{ date_trunc "quarter" "f.local_at" }}
    END AS period_start,
    g.months,
    f.*
  FROM localized AS f
  CROSS JOIN (SELECT 'month' AS grain, 1 AS months UNION ALL SELECT 'quarter', 3) AS g
)
SELECT
  k.grain,
  CASE k.grain
    WHEN 'month' THEN {{ month_label "k.period_start" }}
    ELSE {{ quarter_label "k.period_start" }}
  END AS period,
  k.period_start,
  {{ add_months "k.period_start" "k.months" }} AS period_end,
  k.label_id,
  k.labeled_at,
  k.account_id,
  k.workflow,
  k.case_id,
  k.reviewer_id,
  k.verdict,
  k.failure_category,
  k.incorporated_as
FROM keyed AS k
