SELECT grain, period, month, verified_resolved_cases, handle_time_reduction, active_users, effective_cost, currency
FROM account_trend
ORDER BY grain, period, month
