{{- /* month_values: the account_metrics rows of the months that start in a
period, amounts as exact decimal text. Parameters: the start of the period
and the start of the next one, as YYYY-MM-DD HH:MM:SS. */ -}}
SELECT period, account_id, verified_resolved_cases,
  {{ text "estimated_cost_avoided" }}, {{ text "cost_per_verified_case" }}
FROM {{ table "account_metrics" }}
WHERE grain = 'month' AND period_start >= CAST(? AS TIMESTAMP) AND period_start < CAST(? AS TIMESTAMP)
