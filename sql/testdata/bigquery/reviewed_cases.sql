-- reviewed_cases: each case with at least one review label in the period,
-- with its latest label in the period (by labeled_at, then label_id).
-- correct is TRUE only for the verdict 'correct'; partially_correct and
-- incorrect both count as not correct.
-- Grain: one row per account, case and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id        account of the case
--   case_id           the reviewed case
--   workflow          workflow of the latest label
--   labels            labels of the case in the period
--   label_id          id of the latest label
--   labeled_at        time of the latest label, UTC
--   verdict           verdict of the latest label
--   failure_category  failure category of the latest label (nullable)
--   correct           TRUE when the latest verdict is 'correct'
CREATE OR REPLACE VIEW `acme-prod.evidence.reviewed_cases` AS
WITH ranked AS (
  SELECT
    grain, period, period_start, period_end, account_id, case_id, workflow,
    label_id, labeled_at, verdict, failure_category,
    COUNT(*) OVER (PARTITION BY grain, period, account_id, case_id) AS labels,
    ROW_NUMBER() OVER (
      PARTITION BY grain, period, account_id, case_id
      ORDER BY labeled_at DESC, label_id DESC
    ) AS label_rank
  FROM `acme-prod.evidence.review_label_periods`
  WHERE case_id IS NOT NULL
)
SELECT
  grain,
  period,
  period_start,
  period_end,
  account_id,
  case_id,
  workflow,
  labels,
  label_id,
  labeled_at,
  verdict,
  failure_category,
  COALESCE(verdict = 'correct', FALSE) AS correct
FROM ranked
WHERE label_rank = 1
