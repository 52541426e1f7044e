SELECT
  account_id,
  currency,
  COUNT(*),
  CAST(SUM(billed_cost) AS VARCHAR),
  CAST(SUM(CASE WHEN LOWER(charge_category) = 'credit' THEN billed_cost ELSE 0 END) AS VARCHAR)
FROM cost_lines
WHERE dt >= CAST(? AS DATE) AND dt < CAST(? AS DATE)
GROUP BY account_id, currency
