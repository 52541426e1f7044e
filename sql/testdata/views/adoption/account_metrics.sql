SELECT grain, period, active_users, usage_events, verified_resolved_cases, handle_time_reduction, provisional
FROM account_metrics
ORDER BY grain, period
