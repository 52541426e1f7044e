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
-- Each fact gets the month and the quarter that contain its local time.
-- These are the rows of a range join with periods, found without a join,
-- and a filter on account_id reaches the scan of usage_events.
SELECT
  'month' AS grain,
  {{ month_label "m.period_start" }} AS period,
  m.period_start,
  {{ add_months "m.period_start" "1" }} AS period_end,
  m.event_id,
  m.occurred_at,
  m.account_id,
  m.workflow,
  m.case_id,
  m.user_id,
  m.event_type,
  m.autonomy_level,
  m.handle_time_seconds
FROM (
  SELECT e.*, {{ date_trunc "month" (local_time "e.occurred_at" "a.time_zone") }} AS period_start
  FROM {{ table "usage_events" }} AS e
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = e.account_id
  WHERE e.occurred_at IS NOT NULL
) AS m
UNION ALL
SELECT
  'quarter',
  {{ quarter_label "q.period_start" }},
  q.period_start,
  {{ add_months "q.period_start" "3" }},
  q.event_id,
  q.occurred_at,
  q.account_id,
  q.workflow,
  q.case_id,
  q.user_id,
  q.event_type,
  q.autonomy_level,
  q.handle_time_seconds
FROM (
  SELECT e.*, {{ date_trunc "quarter" (local_time "e.occurred_at" "a.time_zone") }} AS period_start
  FROM {{ table "usage_events" }} AS e
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = e.account_id
  WHERE e.occurred_at IS NOT NULL
) AS q
