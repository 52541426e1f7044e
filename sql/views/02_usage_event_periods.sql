-- usage_event_periods: each usage event joined to both periods it falls
-- in, its month and its quarter, by occurred_at in the account's time
-- zone, so that distinct counts and other non-additive figures are
-- computed per period and never summed.
-- Grain: one row per event and period (two rows per event).
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   event_id, occurred_at, account_id, workflow, case_id, user_id,
--   event_type, autonomy_level, handle_time_seconds
--       as in usage_events
CREATE OR REPLACE VIEW {{ table "usage_event_periods" }} AS
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
  e.event_id,
  e.occurred_at,
  e.account_id,
  e.workflow,
  e.case_id,
  e.user_id,
  e.event_type,
  e.autonomy_level,
  e.handle_time_seconds
FROM {{ table "usage_events" }} AS e
LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = e.account_id
JOIN {{ table "periods" }} AS p
  ON {{ dt_near_period "e.dt" "p.period_start" "p.period_end" }}
  AND {{ local_time "e.occurred_at" "a.time_zone" }} >= p.period_start
  AND {{ local_time "e.occurred_at" "a.time_zone" }} < p.period_end
UNION ALL
-- A row without dt gets the month and the quarter of its local time: the
-- rows of the periods view that the join above matches, because that view
-- has the quarter of every fact and its three months. A TEMP copy of
-- periods does not limit these rows.
SELECT
{{ undated_period_columns "g" }}
  g.event_id,
  g.occurred_at,
  g.account_id,
  g.workflow,
  g.case_id,
  g.user_id,
  g.event_type,
  g.autonomy_level,
  g.handle_time_seconds
FROM (
{{ undated_facts "usage_events" "e" "occurred_at" }}
) AS g
