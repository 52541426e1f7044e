SELECT workflow, resolved_cases, verified_resolved_cases, mean_handle_time_seconds, handle_time_reduction,
  reopen_rate, handle_time_saved_seconds, estimated_cost_avoided
FROM workflow_metrics
WHERE grain = 'month' AND period = '2026-07'
ORDER BY workflow
