-- usage_events: one row per product usage event, keyed by event_id.
-- Timestamps are UTC. dt is the UTC date of occurred_at and the partition.
-- handle_time_seconds is NULL when the source gives none.
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.usage_events` (
  event_id STRING,
  occurred_at TIMESTAMP,
  account_id STRING,
  workflow STRING,
  case_id STRING,
  user_id STRING,
  event_type STRING,
  autonomy_level STRING,
  handle_time_seconds FLOAT64,
  source STRING,
  dt DATE
)
PARTITION BY dt
CLUSTER BY account_id
