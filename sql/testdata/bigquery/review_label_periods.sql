-- review_label_periods: each review label joined to its month and its
-- quarter by labeled_at in the account's time zone.
-- Grain: one row per label and period (two rows per label).
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   label_id, labeled_at, account_id, workflow, case_id, reviewer_id,
--   verdict, failure_category, incorporated_as
--       as in review_labels
CREATE OR REPLACE VIEW `acme-prod.evidence.review_label_periods` AS
-- Each fact gets the month and the quarter that contain its local time.
-- These are the rows of a range join with periods, found without a join.
WITH localized AS (
  SELECT l.*, TIMESTAMP(DATETIME(TIMESTAMP(l.labeled_at), COALESCE(a.time_zone, 'UTC'))) AS local_at
  FROM `acme-prod.evidence.review_labels` AS l
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = l.account_id
  WHERE l.labeled_at IS NOT NULL
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
