-- incident_periods: each incident row joined to its month and its quarter
-- by opened_at in the account's time zone.
-- Grain: one row per incident, account and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   incident_id, account_id, severity, opened_at, resolved_at, status,
--   service, workflow
--       as in incidents
CREATE OR REPLACE VIEW `acme-prod.evidence.incident_periods` AS
-- Each fact gets the month and the quarter that contain its local time.
-- These are the rows of a range join with periods, found without a join,
-- and a filter on account_id reaches the scan of incidents.
SELECT
  'month' AS grain,
  FORMAT_TIMESTAMP('%Y-%m', m.period_start) AS period,
  m.period_start,
  TIMESTAMP(DATETIME_ADD(DATETIME(m.period_start), INTERVAL (1) MONTH)) AS period_end,
  m.incident_id,
  m.account_id,
  m.severity,
  m.opened_at,
  m.resolved_at,
  m.status,
  m.service,
  m.workflow
FROM (
  SELECT i.*, TIMESTAMP_TRUNC(TIMESTAMP(DATETIME(TIMESTAMP(i.opened_at), COALESCE(a.time_zone, 'UTC'))), MONTH) AS period_start
  FROM `acme-prod.evidence.incidents` AS i
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = i.account_id
  WHERE i.opened_at IS NOT NULL
) AS m
UNION ALL
SELECT
  'quarter',
  FORMAT_TIMESTAMP('%Y-Q%Q', q.period_start),
  q.period_start,
  TIMESTAMP(DATETIME_ADD(DATETIME(q.period_start), INTERVAL (3) MONTH)),
  q.incident_id,
  q.account_id,
  q.severity,
  q.opened_at,
  q.resolved_at,
  q.status,
  q.service,
  q.workflow
FROM (
  SELECT i.*, TIMESTAMP_TRUNC(TIMESTAMP(DATETIME(TIMESTAMP(i.opened_at), COALESCE(a.time_zone, 'UTC'))), QUARTER) AS period_start
  FROM `acme-prod.evidence.incidents` AS i
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = i.account_id
  WHERE i.opened_at IS NOT NULL
) AS q
