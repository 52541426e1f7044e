-- incident_periods: each incident row joined to its month and its quarter
-- by opened_at.
-- Grain: one row per incident, account and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   incident_id, account_id, severity, opened_at, resolved_at, status,
--   service, workflow
--       as in incidents
CREATE OR REPLACE VIEW `acme-prod.evidence.incident_periods` AS
SELECT
  p.grain,
  p.period,
  p.period_start,
  p.period_end,
  i.incident_id,
  i.account_id,
  i.severity,
  i.opened_at,
  i.resolved_at,
  i.status,
  i.service,
  i.workflow
FROM `acme-prod.evidence.incidents` AS i
JOIN `acme-prod.evidence.periods` AS p
  ON i.opened_at >= p.period_start AND i.opened_at < p.period_end
