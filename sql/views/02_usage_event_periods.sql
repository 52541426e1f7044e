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
-- These are the rows of a range join with periods, found without a join.
WITH localized AS (
  SELECT e.*, {{ local_time "e.occurred_at" "a.time_zone" }} AS local_at
  FROM {{ table "usage_events" }} AS e
  LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = e.account_id
  WHERE e.occurred_at IS NOT NULL
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
  k.event_id,
  k.occurred_at,
  k.account_id,
  k.workflow,
  k.case_id,
  k.user_id,
  k.event_type,
  k.autonomy_level,
  k.handle_time_seconds
FROM keyed AS k
