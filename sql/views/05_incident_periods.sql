-- incident_periods: each incident row joined to its month and its quarter
-- by opened_at in the account's time zone.
-- Grain: one row per incident, account and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   incident_id, account_id, severity, opened_at, resolved_at, status,
--   service, workflow
--       as in incidents
CREATE OR REPLACE VIEW {{ table "incident_periods" }} AS
-- Each fact gets the month and the quarter that contain its local time.
-- These are the rows of a range join with periods, found without a join.
WITH localized AS (
  SELECT i.*, {{ local_time "i.opened_at" "a.time_zone" }} AS local_at
  FROM {{ table "incidents" }} AS i
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = i.account_id
  WHERE i.opened_at IS NOT NULL
),
keyed AS (
  SELECT
    g.grain,
    CASE g.grain
      WHEN 'month' THEN {{ date_trunc "month" "f.local_at" }}
      ELSE {{ date_trunc "quarter" "f.local_at" }}
    END AS period_start,
    g.months,
    f.*
  FROM localized AS f
  CROSS JOIN (SELECT 'month' AS grain, 1 AS months UNION ALL SELECT 'quarter', 3) AS g
)
SELECT
  k.grain,
  CASE k.grain
    WHEN 'month' THEN {{ month_label "k.period_start" }}
    ELSE {{ quarter_label "k.period_start" }}
  END AS period,
  k.period_start,
  {{ add_months "k.period_start" "k.months" }} AS period_end,
  k.incident_id,
  k.account_id,
  k.severity,
  k.opened_at,
  k.resolved_at,
  k.status,
  k.service,
  k.workflow
FROM keyed AS k
