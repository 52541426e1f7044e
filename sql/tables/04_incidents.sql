-- incidents: one row per incident and affected account. severity is sev1
-- to sev4. resolved_at is NULL while the incident is open. dt is the UTC
-- date of opened_at and the partition.
CREATE TABLE IF NOT EXISTS {{ table "incidents" }} (
  incident_id {{ type "string" }},
  account_id {{ type "string" }},
  severity {{ type "string" }},
  opened_at {{ type "timestamp" }},
  acknowledged_at {{ type "timestamp" }},
  resolved_at {{ type "timestamp" }},
  status {{ type "string" }},
  title {{ type "string" }},
  service {{ type "string" }},
  workflow {{ type "string" }},
  postmortem_url {{ type "string" }},
  source {{ type "string" }},
  dt {{ type "date" }}
){{ partition_clause "dt" "account_id" }}
