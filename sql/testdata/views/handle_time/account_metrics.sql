SELECT grain, period, resolved_cases, handle_time_reduction, reopen_rate, baseline_reopen_rate,
  reopen_rate_delta_pp, estimated_cost_avoided, typeof(estimated_cost_avoided) AS cost_type
FROM account_metrics
ORDER BY grain, period
