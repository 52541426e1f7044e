-- expansion_candidates: workflows proposed for more of the product, each
-- with the evidence behind it. A workflow may appear once per kind.
-- Kind autonomy: its current autonomy level is draft, recommendation or
-- bounded_automation, and in the period reviewed_cases >=
-- min_reviewed_cases, review_accuracy >= min_review_accuracy,
-- sev1_incidents <= max_sev1_incidents and incidents <= max_incidents.
-- to_level is the next level: draft -> recommendation ->
-- bounded_automation -> full_workflow.
-- Kind volume, for quarters only: resolved cases grew from the first to
-- the last month of the quarter by at least min_usage_growth, as
-- (last - first) / first. A first month with no resolved case gives no
-- growth figure and no candidate.
-- Kind workflow: the workflow is in trial.
-- Thresholds come from pack_settings.
-- Grain: one row per account, workflow, kind and period.
-- Columns:
--   grain, period                 as in periods
--   account_id                    account of the workflow
--   workflow                      the proposed workflow
--   kind                          autonomy, volume or workflow
--   from_level                    current autonomy level
--   to_level                      proposed autonomy level, only for autonomy
--   reviewed_cases, review_accuracy, incidents, sev1_incidents,
--   resolved_cases                as in workflow_metrics
--   first_month_resolved_cases    resolved cases in the first month of a
--                                 quarter, NULL for months
--   last_month_resolved_cases     resolved cases in the last month of a
--                                 quarter, NULL for months
--   usage_growth                  (last - first) / first, NULL for months
--   trial                         TRUE when the workflow is in trial
CREATE OR REPLACE VIEW `acme-prod.evidence.expansion_candidates` AS
WITH evidence AS (
  SELECT
    w.grain, w.period, w.account_id, w.workflow, w.autonomy_level, w.trial,
    w.reviewed_cases, w.review_accuracy, w.incidents, w.sev1_incidents, w.resolved_cases,
    CASE WHEN w.grain = 'quarter' THEN COALESCE(f.resolved_cases, 0) END AS first_month_resolved_cases,
    CASE WHEN w.grain = 'quarter' THEN COALESCE(l.resolved_cases, 0) END AS last_month_resolved_cases,
    CASE WHEN w.grain = 'quarter'
      THEN SAFE_DIVIDE(COALESCE(l.resolved_cases, 0) - COALESCE(f.resolved_cases, 0), COALESCE(f.resolved_cases, 0))
    END AS usage_growth,
    CASE w.autonomy_level
      WHEN 'draft' THEN 'recommendation'
      WHEN 'recommendation' THEN 'bounded_automation'
      WHEN 'bounded_automation' THEN 'full_workflow'
    END AS next_level
  FROM `acme-prod.evidence.workflow_metrics` AS w
  LEFT JOIN `acme-prod.evidence.workflow_metrics` AS f
    ON f.grain = 'month' AND f.period_start = w.period_start
    AND f.account_id = w.account_id AND f.workflow = w.workflow
  LEFT JOIN `acme-prod.evidence.workflow_metrics` AS l
    ON l.grain = 'month' AND l.period_start = TIMESTAMP(DATETIME_ADD(DATETIME(w.period_start), INTERVAL (2) MONTH))
    AND l.account_id = w.account_id AND l.workflow = w.workflow
),
candidates AS (
  SELECT e.*, 'autonomy' AS kind, e.next_level AS to_level
  FROM evidence AS e
  CROSS JOIN `acme-prod.evidence.pack_settings` AS s
  WHERE e.next_level IS NOT NULL
    AND e.reviewed_cases >= s.min_reviewed_cases
    AND e.review_accuracy >= s.min_review_accuracy
    AND e.sev1_incidents <= s.max_sev1_incidents
    AND e.incidents <= s.max_incidents
  UNION ALL
  SELECT e.*, 'volume' AS kind, CAST(NULL AS STRING) AS to_level
  FROM evidence AS e
  CROSS JOIN `acme-prod.evidence.pack_settings` AS s
  WHERE e.usage_growth >= s.min_usage_growth
  UNION ALL
  SELECT e.*, 'workflow' AS kind, CAST(NULL AS STRING) AS to_level
  FROM evidence AS e
  WHERE e.trial
)
SELECT
  grain,
  period,
  account_id,
  workflow,
  kind,
  autonomy_level AS from_level,
  to_level,
  reviewed_cases,
  review_accuracy,
  incidents,
  sev1_incidents,
  resolved_cases,
  first_month_resolved_cases,
  last_month_resolved_cases,
  usage_growth,
  trial
FROM candidates
