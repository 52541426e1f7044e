-- account_trend: the monthly figures of each month inside a period, for
-- the trend tables of a pack. A month-grain period has one row and a
-- quarter has three; a month without facts has zero counts and cost.
-- Grain: one row per account, period and month of the period.
-- Columns:
--   grain                    grain of the period the trend belongs to
--   period                   the period the trend belongs to
--   account_id               account of the trend
--   month                    the month, such as '2026-07'
--   month_start              first instant of the month, UTC
--   verified_resolved_cases, handle_time_reduction, estimated_cost_avoided,
--   active_users, reviewed_cases, effective_cost
--                            as in account_metrics
--   currency                 account currency of the costs
CREATE OR REPLACE VIEW {{ table "account_trend" }} AS
SELECT
  ap.grain,
  ap.period,
  ap.account_id,
  m.period AS month,
  m.period_start AS month_start,
  COALESCE(am.verified_resolved_cases, 0) AS verified_resolved_cases,
  am.handle_time_reduction,
  COALESCE(am.estimated_cost_avoided, CAST(0 AS {{ type "money" }})) AS estimated_cost_avoided,
  COALESCE(am.active_users, 0) AS active_users,
  COALESCE(am.reviewed_cases, 0) AS reviewed_cases,
  COALESCE(am.effective_cost, CAST(0 AS {{ type "money" }})) AS effective_cost,
  a.currency
FROM {{ table "account_periods" }} AS ap
JOIN {{ table "periods" }} AS m
  ON m.grain = 'month' AND m.period_start >= ap.period_start AND m.period_start < ap.period_end
LEFT JOIN {{ table "account_metrics" }} AS am
  ON am.grain = 'month' AND am.period = m.period AND am.account_id = ap.account_id
LEFT JOIN {{ table "accounts" }} AS a
  ON a.account_id = ap.account_id
