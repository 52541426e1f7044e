SELECT period, account_id, COALESCE(currency, ''),
  CAST(billed_cost AS VARCHAR), CAST(effective_cost AS VARCHAR), CAST(credits AS VARCHAR)
FROM cost_by_currency
WHERE grain = 'month' AND period_start >= CAST(? AS TIMESTAMP) AND period_start < CAST(? AS TIMESTAMP)
