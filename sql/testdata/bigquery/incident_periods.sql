-- incident_periods: each incident row joined to its month and its quarter
-- by opened_at in the account's time zone.
-- Grain: one row per incident, account and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   incident_id, account_id, severity, opened_at, resolved_at, status,
--   service, workflow
--       as in incidents
CREATE OR REPLACE VIEW `acme-prod.evidence.incident_periods` AS
-- dt, the UTC date of the fact's time, is within a day of its local time,
-- so the dt condition drops no row. It lets DuckDB skip the partitions far
-- from the periods joined, such as all but one quarter when a render has
-- copied only its period into a TEMP periods table. Rows without dt, which
-- only a hand-written INSERT leaves, follow after UNION ALL.
SELECT
  p.grain,
  p.period,
  p.period_start,
  p.period_end,
  i.incident_id,
  i.account_id,
  i.severity,
  i.opened_at,
  i.resolved_at,
  i.status,
  i.service,
  i.workflow
FROM `acme-prod.evidence.incidents` AS i
LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = i.account_id
JOIN `acme-prod.evidence.periods` AS p
  ON i.dt >= DATE_SUB(DATE(p.period_start), INTERVAL 1 DAY) AND i.dt <= DATE_ADD(DATE(p.period_end), INTERVAL 1 DAY)
  AND TIMESTAMP(DATETIME(TIMESTAMP(i.opened_at), COALESCE(a.time_zone, 'UTC'))) >= p.period_start
  AND TIMESTAMP(DATETIME(TIMESTAMP(i.opened_at), COALESCE(a.time_zone, 'UTC'))) < p.period_end
UNION ALL
-- A row without dt gets the month and the quarter of its local time: the
-- rows of the periods view that the join above matches, because that view
-- has the quarter of every fact and its three months. A TEMP copy of
-- periods does not limit these rows.
SELECT
  g.grain,
  CASE g.grain
    WHEN 'month' THEN FORMAT_TIMESTAMP('%Y-%m', g.period_start)
    ELSE FORMAT_TIMESTAMP('%Y-Q%Q', g.period_start)
  END AS period,
  g.period_start,
  CASE g.grain
    WHEN 'month' THEN TIMESTAMP(DATETIME_ADD(DATETIME(g.period_start), INTERVAL (1) MONTH))
    ELSE TIMESTAMP(DATETIME_ADD(DATETIME(g.period_start), INTERVAL (3) MONTH))
  END AS period_end,
  g.incident_id,
  g.account_id,
  g.severity,
  g.opened_at,
  g.resolved_at,
  g.status,
  g.service,
  g.workflow
FROM (
  SELECT i.*, 'month' AS grain, TIMESTAMP_TRUNC(TIMESTAMP(DATETIME(TIMESTAMP(i.opened_at), COALESCE(a.time_zone, 'UTC'))), MONTH) AS period_start
  FROM `acme-prod.evidence.incidents` AS i
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = i.account_id
  WHERE i.dt IS NULL AND i.opened_at IS NOT NULL
  UNION ALL
  SELECT i.*, 'quarter' AS grain, TIMESTAMP_TRUNC(TIMESTAMP(DATETIME(TIMESTAMP(i.opened_at), COALESCE(a.time_zone, 'UTC'))), QUARTER) AS period_start
  FROM `acme-prod.evidence.incidents` AS i
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = i.account_id
  WHERE i.dt IS NULL AND i.opened_at IS NOT NULL
) AS g
