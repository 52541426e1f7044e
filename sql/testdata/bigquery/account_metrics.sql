-- account_metrics: every single-valued figure of an evidence pack.
-- Grain: one row per account and period in account_periods.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id               the account
--   account_name             name from accounts, NULL if unknown
--   currency                 account currency from accounts, NULL if unknown
--   provisional              pack_settings.data_through, in the account's
--                            time zone, is before period_end plus
--                            verification_window_days
--   resolved_cases           cases resolved in the period
--   verified_resolved_cases  resolved cases whose resolution is verified
--   reopened_cases           resolved cases reopened inside the window
--   reopen_rate              reopened_cases / resolved_cases
--   baseline_reopen_rate     baseline rates weighted by resolved cases per
--                            workflow, over workflows with a baseline
--   reopen_rate_delta_pp     (reopen_rate - baseline_reopen_rate) * 100
--   handle_time_reduction    1 - sum(n * mean) / sum(n * baseline) over
--                            workflows with both, n = resolved cases
--   estimated_cost_avoided   sum over workflows, account currency
--   reviewed_cases           cases with a review label in the period
--   correct_reviewed_cases   reviewed cases whose latest verdict is correct
--   review_accuracy          correct_reviewed_cases / reviewed_cases
--   active_users             distinct user_id of usage events
--   usage_events             usage events
--   audit_exports_completed  audit_export_completed events
--   review_labels            labels in the period
--   feedback_incorporated    labels with incorporated_as set; NULL unless
--                            accounts.learning_permitted is TRUE, because
--                            the contract must permit learning from the
--                            account's data
--   effective_cost           effective cost in the account currency with
--                            commitment purchases left out, 0 if none
--   billed_cost              billed cost in the account currency, 0 if none
--   credits                  billed cost of credit lines in the account
--                            currency, 0 if none
--   cost_per_verified_case   effective_cost / verified_resolved_cases, 18
--                            digits truncated, NULL with no verified case
--   incidents, sev1_incidents, sev2_incidents, sev3_incidents,
--   sev4_incidents, other_severity_incidents
--                            as in incident_metrics, 0 without incidents
--   median_resolution_seconds  as in incident_metrics
--   unresolved_incidents     unresolved in incident_metrics
CREATE OR REPLACE VIEW `acme-prod.evidence.account_metrics` AS
WITH case_counts AS (
  SELECT
    grain, period, account_id,
    COUNT(*) AS resolved_cases,
    COUNT(CASE WHEN verified THEN 1 END) AS verified_resolved_cases,
    COUNT(CASE WHEN NOT verified THEN 1 END) AS reopened_cases
  FROM `acme-prod.evidence.resolved_cases`
  GROUP BY grain, period, account_id
),
review_counts AS (
  SELECT
    grain, period, account_id,
    COUNT(*) AS reviewed_cases,
    COUNT(CASE WHEN correct THEN 1 END) AS correct_reviewed_cases
  FROM `acme-prod.evidence.reviewed_cases`
  GROUP BY grain, period, account_id
),
workflow_sums AS (
  SELECT
    grain, period, account_id,
    SUM(CASE WHEN mean_handle_time_seconds IS NOT NULL AND baseline_handle_time_seconds IS NOT NULL
      THEN resolved_cases * mean_handle_time_seconds END) AS weighted_handle_time_seconds,
    SUM(CASE WHEN mean_handle_time_seconds IS NOT NULL AND baseline_handle_time_seconds IS NOT NULL
      THEN resolved_cases * baseline_handle_time_seconds END) AS weighted_baseline_seconds,
    SUM(CASE WHEN baseline_reopen_rate IS NOT NULL THEN resolved_cases * baseline_reopen_rate END) AS weighted_baseline_reopens,
    SUM(CASE WHEN baseline_reopen_rate IS NOT NULL THEN resolved_cases END) AS baseline_resolved_cases,
    SUM(estimated_cost_avoided) AS estimated_cost_avoided
  FROM `acme-prod.evidence.workflow_metrics`
  GROUP BY grain, period, account_id
),
usage_counts AS (
  SELECT
    grain, period, account_id,
    COUNT(DISTINCT user_id) AS active_users,
    COUNT(*) AS usage_events,
    COUNT(CASE WHEN event_type = 'audit_export_completed' THEN 1 END) AS audit_exports_completed
  FROM `acme-prod.evidence.usage_event_periods`
  GROUP BY grain, period, account_id
),
label_counts AS (
  SELECT
    grain, period, account_id,
    COUNT(*) AS review_labels,
    COUNT(incorporated_as) AS feedback_incorporated
  FROM `acme-prod.evidence.review_label_periods`
  GROUP BY grain, period, account_id
),
joined AS (
  SELECT
    ap.grain, ap.period, ap.period_start, ap.period_end, ap.account_id,
    a.name AS account_name,
    a.currency,
    TIMESTAMP(DATETIME(TIMESTAMP(s.data_through), COALESCE(a.time_zone, 'UTC'))) < TIMESTAMP_ADD(ap.period_end, INTERVAL (s.verification_window_days) DAY)
      AS provisional,
    COALESCE(c.resolved_cases, 0) AS resolved_cases,
    COALESCE(c.verified_resolved_cases, 0) AS verified_resolved_cases,
    COALESCE(c.reopened_cases, 0) AS reopened_cases,
    w.weighted_handle_time_seconds,
    w.weighted_baseline_seconds,
    SAFE_DIVIDE(w.weighted_baseline_reopens, w.baseline_resolved_cases) AS baseline_reopen_rate,
    COALESCE(w.estimated_cost_avoided, CAST(0 AS BIGNUMERIC(38,18))) AS estimated_cost_avoided,
    COALESCE(r.reviewed_cases, 0) AS reviewed_cases,
    COALESCE(r.correct_reviewed_cases, 0) AS correct_reviewed_cases,
    COALESCE(u.active_users, 0) AS active_users,
    COALESCE(u.usage_events, 0) AS usage_events,
    COALESCE(u.audit_exports_completed, 0) AS audit_exports_completed,
    COALESCE(l.review_labels, 0) AS review_labels,
    CASE WHEN a.learning_permitted THEN COALESCE(l.feedback_incorporated, 0) END AS feedback_incorporated,
    COALESCE(k.effective_cost, CAST(0 AS BIGNUMERIC(38,18))) AS effective_cost,
    COALESCE(k.billed_cost, CAST(0 AS BIGNUMERIC(38,18))) AS billed_cost,
    COALESCE(k.credits, CAST(0 AS BIGNUMERIC(38,18))) AS credits,
    COALESCE(i.incidents, 0) AS incidents,
    COALESCE(i.sev1_incidents, 0) AS sev1_incidents,
    COALESCE(i.sev2_incidents, 0) AS sev2_incidents,
    COALESCE(i.sev3_incidents, 0) AS sev3_incidents,
    COALESCE(i.sev4_incidents, 0) AS sev4_incidents,
    COALESCE(i.other_severity_incidents, 0) AS other_severity_incidents,
    COALESCE(i.unresolved, 0) AS unresolved_incidents,
    i.median_resolution_seconds
  FROM `acme-prod.evidence.account_periods` AS ap
  CROSS JOIN `acme-prod.evidence.pack_settings` AS s
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = ap.account_id
  LEFT JOIN case_counts AS c ON c.grain = ap.grain AND c.period = ap.period AND c.account_id = ap.account_id
  LEFT JOIN review_counts AS r ON r.grain = ap.grain AND r.period = ap.period AND r.account_id = ap.account_id
  LEFT JOIN workflow_sums AS w ON w.grain = ap.grain AND w.period = ap.period AND w.account_id = ap.account_id
  LEFT JOIN usage_counts AS u ON u.grain = ap.grain AND u.period = ap.period AND u.account_id = ap.account_id
  LEFT JOIN label_counts AS l ON l.grain = ap.grain AND l.period = ap.period AND l.account_id = ap.account_id
  LEFT JOIN `acme-prod.evidence.cost_by_currency` AS k
    ON k.grain = ap.grain AND k.period = ap.period AND k.account_id = ap.account_id AND k.currency = a.currency
  LEFT JOIN `acme-prod.evidence.incident_metrics` AS i
    ON i.grain = ap.grain AND i.period = ap.period AND i.account_id = ap.account_id
)
SELECT
  grain,
  period,
  period_start,
  period_end,
  account_id,
  account_name,
  currency,
  provisional,
  resolved_cases,
  verified_resolved_cases,
  reopened_cases,
  SAFE_DIVIDE(reopened_cases, resolved_cases) AS reopen_rate,
  baseline_reopen_rate,
  (SAFE_DIVIDE(reopened_cases, resolved_cases) - baseline_reopen_rate) * 100 AS reopen_rate_delta_pp,
  1 - SAFE_DIVIDE(weighted_handle_time_seconds, weighted_baseline_seconds) AS handle_time_reduction,
  estimated_cost_avoided,
  reviewed_cases,
  correct_reviewed_cases,
  SAFE_DIVIDE(correct_reviewed_cases, reviewed_cases) AS review_accuracy,
  active_users,
  usage_events,
  audit_exports_completed,
  review_labels,
  feedback_incorporated,
  effective_cost,
  billed_cost,
  credits,
  TRUNC(SAFE_DIVIDE(CAST((effective_cost) AS BIGNUMERIC), CAST((verified_resolved_cases) AS BIGNUMERIC)), 18) AS cost_per_verified_case,
  incidents,
  sev1_incidents,
  sev2_incidents,
  sev3_incidents,
  sev4_incidents,
  other_severity_incidents,
  unresolved_incidents,
  median_resolution_seconds
FROM joined
