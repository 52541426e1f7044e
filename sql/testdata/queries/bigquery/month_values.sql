SELECT period, account_id, verified_resolved_cases,
  CAST(estimated_cost_avoided AS STRING), CAST(cost_per_verified_case AS STRING)
FROM `acme-prod.evidence.account_metrics`
WHERE grain = 'month' AND period_start >= CAST(? AS TIMESTAMP) AND period_start < CAST(? AS TIMESTAMP)
