-- failure_categories: failure categories of reviewed cases, taken from each
-- case's latest label in the period, so a corrected verdict drops its old
-- category.
-- Grain: one row per account, failure category and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id        account of the cases
--   failure_category  failure category of the latest label
--   reviewed_cases    cases whose latest label has this category
CREATE OR REPLACE VIEW {{ table "failure_categories" }} AS
SELECT
  grain,
  period,
  period_start,
  period_end,
  account_id,
  failure_category,
  COUNT(*) AS reviewed_cases
FROM {{ table "reviewed_cases" }}
WHERE failure_category IS NOT NULL
GROUP BY grain, period, period_start, period_end, account_id, failure_category
