-- incident_periods: each incident row joined to its month and its quarter
-- by opened_at in the account's time zone.
-- Grain: one row per incident, account and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   incident_id, account_id, severity, opened_at, resolved_at, status,
--   service, workflow
--       as in incidents
CREATE OR REPLACE VIEW {{ table "incident_periods" }} AS
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
FROM {{ table "incidents" }} AS i
LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = i.account_id
JOIN {{ table "periods" }} AS p
  ON {{ dt_near_period "i.dt" "p.period_start" "p.period_end" }}
  AND {{ local_time "i.opened_at" "a.time_zone" }} >= p.period_start
  AND {{ local_time "i.opened_at" "a.time_zone" }} < p.period_end
UNION ALL
-- A row without dt gets the month and the quarter of its local time: the
-- rows of the periods view that the join above matches, because that view
-- has the quarter of every fact and its three months. A TEMP copy of
-- periods does not limit these rows.
SELECT
{{ undated_period_columns "g" }}
  g.incident_id,
  g.account_id,
  g.severity,
  g.opened_at,
  g.resolved_at,
  g.status,
  g.service,
  g.workflow
FROM (
{{ undated_facts "incidents" "i" "opened_at" }}
) AS g
