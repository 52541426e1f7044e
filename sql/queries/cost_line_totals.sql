{{- /* cost_line_totals: the loaded cost lines of a period per account and
currency, with the line count, the billed cost and the billed cost of
Credit lines. dt is the UTC date of charge_period_start. Sums are cast to
text so that no digit passes through a float. Parameters: the first date
of the period and the first date after it, as YYYY-MM-DD. */ -}}
SELECT
  account_id,
  currency,
  COUNT(*),
  {{ text "SUM(billed_cost)" }},
  {{ text "SUM(CASE WHEN LOWER(charge_category) = 'credit' THEN billed_cost ELSE 0 END)" }}
FROM {{ table "cost_lines" }}
WHERE dt >= CAST(? AS DATE) AND dt < CAST(? AS DATE)
GROUP BY account_id, currency
