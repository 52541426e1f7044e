SELECT grain, period, account_id, currency, verified_resolved_cases, effective_cost, billed_cost, credits, cost_per_verified_case
FROM account_metrics
WHERE grain = 'quarter'
ORDER BY account_id
