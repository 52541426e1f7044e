SELECT account_id, currency, service, effective_cost, billed_cost, cost_lines
FROM cost_by_service
WHERE grain = 'quarter'
ORDER BY account_id, currency, service
