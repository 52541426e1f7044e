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
CREATE OR REPLACE VIEW `acme-prod.evidence.usage_event_periods` AS
-- Each fact gets the month and the quarter that contain its local time.
-- These are the rows of a range join with periods, found without a join.
WITH localized AS (
  SELECT e.*, TIMESTAMP(DATETIME(TIMESTAMP(e.occurred_at), COALESCE(a.time_zone, 'UTC'))) AS local_at
  FROM `acme-prod.evidence.usage_events` AS e
  LEFT JOIN `acme-prod.evidence.accounts` AS a ON a.account_id = e.account_id
  WHERE e.occurred_at IS NOT NULL
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
