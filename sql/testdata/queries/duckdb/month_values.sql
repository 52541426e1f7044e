SELECT period, account_id, verified_resolved_cases,
  CAST(estimated_cost_avoided AS VARCHAR), CAST(cost_per_verified_case AS VARCHAR)
FROM account_metrics
WHERE grain = 'month' AND period_start >= CAST(? AS TIMESTAMP) AND period_start < CAST(? AS TIMESTAMP)
