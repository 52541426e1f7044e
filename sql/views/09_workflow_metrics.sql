-- workflow_metrics: work, value, quality and incident figures per workflow
-- of an account. Workflows come from resolved cases, reviewed cases,
-- incidents and account_workflows; facts without a workflow are left out
-- here and counted only in account_metrics.
-- Grain: one row per account, workflow and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id                 account of the workflow
--   workflow                   workflow name
--   resolved_cases             cases resolved in the period (resolved_cases
--                              rows)
--   verified_resolved_cases    resolved cases whose resolution is verified
--   reopened_cases             resolved cases reopened inside the window
--   handle_time_cases          resolved cases whose resolution has a handle time
--   mean_handle_time_seconds   mean handle time of those cases
--   baseline_handle_time_seconds, baseline_reopen_rate, hourly_cost_rate,
--   autonomy_level             from account_workflows, NULL when the
--                              workflow is missing there
--   trial                      from account_workflows, FALSE when the
--                              workflow is missing there
--   handle_time_reduction      1 - mean / baseline
--   reopen_rate                reopened_cases / resolved_cases
--   handle_time_saved_seconds  max(0, baseline - mean), 6 fractional digits
--   estimated_cost_avoided     verified_resolved_cases * saved seconds / 3600
--                              * hourly_cost_rate, fixed point with 18 digits
--                              truncated, in the account currency
--   reviewed_cases             cases with a review label in the period
--   correct_reviewed_cases     reviewed cases whose latest verdict is correct
--   review_accuracy            correct_reviewed_cases / reviewed_cases
--   incidents                  incidents on the workflow opened in the period
--   sev1_incidents             incidents on the workflow with severity sev1
CREATE OR REPLACE VIEW {{ table "workflow_metrics" }} AS
WITH workflow_keys AS (
  SELECT grain, period, period_start, period_end, account_id, workflow
  FROM {{ table "resolved_cases" }} WHERE workflow IS NOT NULL
  UNION DISTINCT
  SELECT grain, period, period_start, period_end, account_id, workflow
  FROM {{ table "reviewed_cases" }} WHERE workflow IS NOT NULL
  UNION DISTINCT
  SELECT grain, period, period_start, period_end, account_id, workflow
  FROM {{ table "incident_periods" }} WHERE workflow IS NOT NULL
  UNION DISTINCT
  SELECT ap.grain, ap.period, ap.period_start, ap.period_end, ap.account_id, w.workflow
  FROM {{ table "account_periods" }} AS ap
  JOIN {{ table "account_workflows" }} AS w ON w.account_id = ap.account_id
),
resolved AS (
  SELECT
    grain, period, account_id, workflow,
    COUNT(*) AS resolved_cases,
    COUNT(CASE WHEN verified THEN 1 END) AS verified_resolved_cases,
    COUNT(CASE WHEN NOT verified THEN 1 END) AS reopened_cases,
    COUNT(handle_time_seconds) AS handle_time_cases,
    AVG(handle_time_seconds) AS mean_handle_time_seconds
  FROM {{ table "resolved_cases" }}
  GROUP BY grain, period, account_id, workflow
),
reviewed AS (
  SELECT
    grain, period, account_id, workflow,
    COUNT(*) AS reviewed_cases,
    COUNT(CASE WHEN correct THEN 1 END) AS correct_reviewed_cases
  FROM {{ table "reviewed_cases" }}
  GROUP BY grain, period, account_id, workflow
),
incident_counts AS (
  SELECT
    grain, period, account_id, workflow,
    COUNT(*) AS incidents,
    COUNT(CASE WHEN severity = 'sev1' THEN 1 END) AS sev1_incidents
  FROM {{ table "incident_periods" }}
  GROUP BY grain, period, account_id, workflow
),
joined AS (
  SELECT
    k.grain, k.period, k.period_start, k.period_end, k.account_id, k.workflow,
    COALESCE(r.resolved_cases, 0) AS resolved_cases,
    COALESCE(r.verified_resolved_cases, 0) AS verified_resolved_cases,
    COALESCE(r.reopened_cases, 0) AS reopened_cases,
    COALESCE(r.handle_time_cases, 0) AS handle_time_cases,
    r.mean_handle_time_seconds,
    w.baseline_handle_time_seconds,
    w.baseline_reopen_rate,
    w.hourly_cost_rate,
    w.autonomy_level,
    COALESCE(w.trial, FALSE) AS trial,
    CASE
      WHEN r.mean_handle_time_seconds IS NOT NULL AND w.baseline_handle_time_seconds IS NOT NULL
      THEN CAST(GREATEST(0, w.baseline_handle_time_seconds - r.mean_handle_time_seconds) AS {{ decimal 38 6 }})
    END AS handle_time_saved_seconds,
    COALESCE(v.reviewed_cases, 0) AS reviewed_cases,
    COALESCE(v.correct_reviewed_cases, 0) AS correct_reviewed_cases,
    COALESCE(i.incidents, 0) AS incidents,
    COALESCE(i.sev1_incidents, 0) AS sev1_incidents
  FROM workflow_keys AS k
  LEFT JOIN resolved AS r
    ON r.grain = k.grain AND r.period = k.period AND r.account_id = k.account_id AND r.workflow = k.workflow
  LEFT JOIN reviewed AS v
    ON v.grain = k.grain AND v.period = k.period AND v.account_id = k.account_id AND v.workflow = k.workflow
  LEFT JOIN incident_counts AS i
    ON i.grain = k.grain AND i.period = k.period AND i.account_id = k.account_id AND i.workflow = k.workflow
  LEFT JOIN {{ table "account_workflows" }} AS w
    ON w.account_id = k.account_id AND w.workflow = k.workflow
)
SELECT
  grain,
  period,
  period_start,
  period_end,
  account_id,
  workflow,
  resolved_cases,
  verified_resolved_cases,
  reopened_cases,
  handle_time_cases,
  mean_handle_time_seconds,
  baseline_handle_time_seconds,
  baseline_reopen_rate,
  hourly_cost_rate,
  autonomy_level,
  trial,
  1 - {{ safe_divide "mean_handle_time_seconds" "baseline_handle_time_seconds" }} AS handle_time_reduction,
  {{ safe_divide "reopened_cases" "resolved_cases" }} AS reopen_rate,
  handle_time_saved_seconds,
  {{ decimal_divide (printf "CAST(handle_time_saved_seconds * hourly_cost_rate AS %s) * verified_resolved_cases" (type "money")) "3600" }} AS estimated_cost_avoided,
  reviewed_cases,
  correct_reviewed_cases,
  {{ safe_divide "correct_reviewed_cases" "reviewed_cases" }} AS review_accuracy,
  incidents,
  sev1_incidents
FROM joined
