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
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.incidents` (
  incident_id STRING,
  account_id STRING,
  severity STRING,
  opened_at TIMESTAMP,
  acknowledged_at TIMESTAMP,
  resolved_at TIMESTAMP,
  status STRING,
  title STRING,
  service STRING,
  workflow STRING,
  postmortem_url STRING,
  source STRING,
  dt DATE
)
PARTITION BY dt
CLUSTER BY account_id
