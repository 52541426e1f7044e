-- usage_events: one row per product usage event, keyed by event_id.
-- Timestamps are UTC. dt is the UTC date of occurred_at and the partition.
-- handle_time_seconds is NULL when the source gives none.
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
