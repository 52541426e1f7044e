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
-- These are the rows of a range join with periods, found without a join.
WITH localized AS (
  SELECT i.*, TIMESTAMP(DATETIME(TIMESTAMP(i.opened_at), COALESCE(a.time_zone, 'UTC'))) AS local_at
  FROM `acme-prod.evidence.incidents` AS i
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = i.account_id
  WHERE i.opened_at IS NOT NULL
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
  k.incident_id,
  k.account_id,
  k.severity,
  k.opened_at,
  k.resolved_at,
  k.status,
  k.service,
  k.workflow
FROM keyed AS k
