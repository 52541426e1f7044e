-- incidents: one row per incident and affected account. severity is sev1
-- to sev4. resolved_at is NULL while the incident is open. dt is the UTC
-- date of opened_at and the partition.
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
