-- incident_metrics: incidents of an account opened in the period.
-- median_resolution_seconds is the median of resolved_at - opened_at over
-- those incidents that are resolved; with an even count it is the mean of
-- the two middle values.
-- Grain: one row per account and period with at least one incident.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id                 affected account
--   incidents                  incidents opened in the period
--   sev1_incidents             incidents opened in the period with severity sev1
--   sev2_incidents             incidents opened in the period with severity sev2
--   sev3_incidents             incidents opened in the period with severity sev3
--   sev4_incidents             incidents opened in the period with severity sev4
--   other_severity_incidents   severity NULL or outside sev1-sev4
--   resolved                   incidents with resolved_at set
--   unresolved                 incidents with resolved_at NULL
--   median_resolution_seconds  NULL when none is resolved
CREATE OR REPLACE VIEW `acme-prod.evidence.incident_metrics` AS
WITH durations AS (
  SELECT
    grain, period, period_start, period_end, account_id, severity, resolved_at,
    PERCENTILE_CONT((TIMESTAMP_DIFF(resolved_at, opened_at, MICROSECOND) / 1000000), 0.5) OVER (PARTITION BY grain, period, account_id) AS median_resolution_seconds
  FROM `acme-prod.evidence.incident_periods`
)
SELECT
  grain,
  period,
  period_start,
  period_end,
  account_id,
  COUNT(*) AS incidents,
  COUNT(CASE WHEN severity = 'sev1' THEN 1 END) AS sev1_incidents,
  COUNT(CASE WHEN severity = 'sev2' THEN 1 END) AS sev2_incidents,
  COUNT(CASE WHEN severity = 'sev3' THEN 1 END) AS sev3_incidents,
  COUNT(CASE WHEN severity = 'sev4' THEN 1 END) AS sev4_incidents,
  COUNT(CASE WHEN severity IS NULL OR severity NOT IN ('sev1', 'sev2', 'sev3', 'sev4') THEN 1 END) AS other_severity_incidents,
  COUNT(resolved_at) AS resolved,
  COUNT(*) - COUNT(resolved_at) AS unresolved,
  MAX(median_resolution_seconds) AS median_resolution_seconds
FROM durations
GROUP BY grain, period, period_start, period_end, account_id
