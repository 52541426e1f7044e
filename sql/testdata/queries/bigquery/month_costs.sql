SELECT period, account_id, COALESCE(currency, ''),
  CAST(billed_cost AS STRING), CAST(effective_cost AS STRING), CAST(credits AS STRING)
FROM `acme-prod.evidence.cost_by_currency`
WHERE grain = 'month' AND period_start >= CAST(? AS TIMESTAMP) AND period_start < CAST(? AS TIMESTAMP)
