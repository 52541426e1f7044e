-- resolved_cases: each case with a case_resolved event in the period, at
-- its last resolution in the period, and whether that resolution is
-- verified. A resolution is verified when no case_reopened event of the
-- same account and case follows it (strictly later) within
-- pack_settings.verification_window_days days (inclusive). Reopen events
-- are looked up in all of usage_events, so a reopening in the next period
-- still counts. The view is empty while pack_settings has no row.
-- Grain: one row per account, case and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id           account of the case
--   case_id              the resolved case
--   workflow             workflow of the last resolution
--   resolved_at          time of the last case_resolved event in the period
--   resolutions          case_resolved events of the case in the period
--   handle_time_seconds  handle time on the last resolution (nullable)
--   reopened_at          first reopening inside the window (nullable)
--   verified             TRUE when reopened_at is NULL
CREATE OR REPLACE VIEW `acme-prod.evidence.resolved_cases` AS
WITH ranked AS (
  SELECT
    grain, period, period_start, period_end, account_id, case_id, workflow,
    occurred_at AS resolved_at,
    handle_time_seconds,
    COUNT(*) OVER (PARTITION BY grain, period, account_id, case_id) AS resolutions,
    ROW_NUMBER() OVER (
      PARTITION BY grain, period, account_id, case_id
      ORDER BY occurred_at DESC, event_id DESC
    ) AS resolution_rank
  FROM `acme-prod.evidence.usage_event_periods`
  WHERE event_type = 'case_resolved' AND case_id IS NOT NULL
),
last_resolutions AS (
  SELECT r.*, s.verification_window_days
  FROM ranked AS r
  CROSS JOIN `acme-prod.evidence.pack_settings` AS s
  WHERE r.resolution_rank = 1
),
-- dt, the UTC date of occurred_at, is redundant in the first join, and it
-- lets DuckDB read only the partitions from the first resolution to the
-- end of the last verification window. Rows without dt, which only a
-- hand-written INSERT leaves, are joined on their time alone.
reopen_events AS (
  SELECT r.grain, r.period, r.account_id, r.case_id, e.occurred_at
  FROM last_resolutions AS r
  JOIN `acme-prod.evidence.usage_events` AS e
    ON e.account_id = r.account_id
    AND e.case_id = r.case_id
    AND e.event_type = 'case_reopened'
    AND e.dt >= DATE(r.resolved_at)
    AND e.dt <= DATE(TIMESTAMP_ADD(r.resolved_at, INTERVAL (r.verification_window_days) DAY))
    AND e.occurred_at > r.resolved_at
    AND e.occurred_at <= TIMESTAMP_ADD(r.resolved_at, INTERVAL (r.verification_window_days) DAY)
  UNION ALL
  SELECT r.grain, r.period, r.account_id, r.case_id, e.occurred_at
  FROM last_resolutions AS r
  JOIN `acme-prod.evidence.usage_events` AS e
    ON e.account_id = r.account_id
    AND e.case_id = r.case_id
    AND e.event_type = 'case_reopened'
    AND e.occurred_at > r.resolved_at
    AND e.occurred_at <= TIMESTAMP_ADD(r.resolved_at, INTERVAL (r.verification_window_days) DAY)
  WHERE e.dt IS NULL
),
reopenings AS (
  SELECT grain, period, account_id, case_id, MIN(occurred_at) AS reopened_at
  FROM reopen_events
  GROUP BY grain, period, account_id, case_id
)
SELECT
  r.grain,
  r.period,
  r.period_start,
  r.period_end,
  r.account_id,
  r.case_id,
  r.workflow,
  r.resolved_at,
  r.resolutions,
  r.handle_time_seconds,
  o.reopened_at,
  o.reopened_at IS NULL AS verified
FROM last_resolutions AS r
LEFT JOIN reopenings AS o
  ON o.grain = r.grain
  AND o.period = r.period
  AND o.account_id = r.account_id
  AND o.case_id = r.case_id
