{{- /* month_costs: the cost_by_currency rows of the months that start in a
period, amounts as exact decimal text. Parameters: the start of the period
and the start of the next one, as YYYY-MM-DD HH:MM:SS. */ -}}
SELECT period, account_id, COALESCE(currency, ''),
  {{ text "billed_cost" }}, {{ text "effective_cost" }}, {{ text "credits" }}
FROM {{ table "cost_by_currency" }}
WHERE grain = 'month' AND period_start >= CAST(? AS TIMESTAMP) AND period_start < CAST(? AS TIMESTAMP)
