-- incidents: one row per incident and affected account. severity is sev1
-- to sev4. resolved_at is NULL while the incident is open. dt is the UTC
-- date of opened_at and the partition.
-- Grain: one row per incident and affected account.
-- Columns:
--   incident_id      id of the incident in the source
--   account_id       affected customer account
--   severity         sev1 (worst) to sev4, mapped from priority or urgency
--   opened_at        when the incident was opened, UTC
--   acknowledged_at  when it was first acknowledged, UTC
--   resolved_at      when it was resolved, UTC
--   status           status in the source, such as resolved
--   title            title with personal data redacted
--   service          service the incident was raised on
--   workflow         affected workflow, NULL when not known
--   postmortem_url   link to the postmortem, NULL when none
--   source           name of the configured source the row came from
--   dt               UTC date of opened_at; the partition
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
