SELECT account_id, currency, effective_cost, billed_cost, credits, cost_lines, commitment_purchase_lines, commitment_purchase_billed_cost
FROM cost_by_currency
WHERE grain = 'quarter'
ORDER BY account_id, currency
