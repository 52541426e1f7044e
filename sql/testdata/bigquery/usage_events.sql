-- usage_events: one row per product usage event, keyed by event_id.
-- Timestamps are UTC. dt is the UTC date of occurred_at and the partition.
-- handle_time_seconds is NULL when the source gives none.
-- Grain: one row per usage event.
-- Columns:
--   event_id             id of the event in the source; the key
--   occurred_at          when the event happened, UTC, microseconds
--   account_id           customer account the event belongs to
--   workflow             workflow of the case, such as claims_intake
--   case_id              case the event is about
--   user_id              user who acted
--   event_type           case_opened, case_resolved, case_escalated,
--                        case_reopened, suggestion_accepted or
--                        audit_export_completed
--   autonomy_level       draft, recommendation, bounded_automation or
--                        full_workflow at the time of the event
--   handle_time_seconds  human handling time of the case in seconds
--   source               name of the configured source the row came from
--   dt                   UTC date of occurred_at; the partition
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
