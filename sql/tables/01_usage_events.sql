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
CREATE TABLE IF NOT EXISTS {{ table "usage_events" }} (
  event_id {{ type "string" }},
  occurred_at {{ type "timestamp" }},
  account_id {{ type "string" }},
  workflow {{ type "string" }},
  case_id {{ type "string" }},
  user_id {{ type "string" }},
  event_type {{ type "string" }},
  autonomy_level {{ type "string" }},
  handle_time_seconds {{ type "double" }},
  source {{ type "string" }},
  dt {{ type "date" }}
){{ partition_clause "dt" "account_id" }}
