SELECT grain, period, account_id, resolved_cases, verified_resolved_cases, reopened_cases, reopen_rate
FROM account_metrics
WHERE account_id = 'acme'
ORDER BY grain, period
