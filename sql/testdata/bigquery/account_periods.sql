-- account_periods: the periods in which an account has any fact. These are
-- the periods that a pack can be rendered for.
-- Grain: one row per account and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id  account with at least one fact in the period
CREATE OR REPLACE VIEW `acme-prod.evidence.account_periods` AS
SELECT grain, period, period_start, period_end, account_id
FROM `acme-prod.evidence.usage_event_periods`
UNION DISTINCT
SELECT grain, period, period_start, period_end, account_id
FROM `acme-prod.evidence.review_label_periods`
UNION DISTINCT
SELECT grain, period, period_start, period_end, account_id
FROM `acme-prod.evidence.cost_line_periods`
UNION DISTINCT
SELECT grain, period, period_start, period_end, account_id
FROM `acme-prod.evidence.incident_periods`
