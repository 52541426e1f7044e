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
-- These are the rows of a range join with periods, found without a join,
-- and a filter on account_id reaches the scan of review_labels.
SELECT
  'month' AS grain,
  {{ month_label "m.period_start" }} AS period,
  m.period_start,
  {{ add_months "m.period_start" "1" }} AS period_end,
  m.label_id,
  m.labeled_at,
  m.account_id,
  m.workflow,
  m.case_id,
  m.reviewer_id,
  m.verdict,
  m.failure_category,
  m.incorporated_as
FROM (
  SELECT l.*, {{ date_trunc "month" (local_time "l.labeled_at" "a.time_zone") }} AS period_start
  FROM {{ table "review_labels" }} AS l
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = l.account_id
  WHERE l.labeled_at IS NOT NULL
) AS m
UNION ALL
SELECT
  'quarter',
  {{ quarter_label "q.period_start" }},
  q.period_start,
  {{ add_months "q.period_start" "3" }},
  q.label_id,
  q.labeled_at,
  q.account_id,
  q.workflow,
  q.case_id,
  q.reviewer_id,
  q.verdict,
  q.failure_category,
  q.incorporated_as
FROM (
  SELECT l.*, {{ date_trunc "quarter" (local_time "l.labeled_at" "a.time_zone") }} AS period_start
  FROM {{ table "review_labels" }} AS l
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = l.account_id
  WHERE l.labeled_at IS NOT NULL
) AS q
