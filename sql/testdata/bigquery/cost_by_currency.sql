-- cost_by_currency: cost totals of an account per currency, by the start of
-- each line's charge period. Money is DECIMAL with 18 fractional digits.
-- effective_cost leaves out commitment purchase rows: their cost already
-- reaches usage through the effective_cost of the rows they cover, and
-- counting both would charge it twice. billed_cost sums every row, so it
-- matches the bill. Credits are rows whose charge_category is Credit (any
-- letter case); their costs also stay in both totals.
-- Grain: one row per account, currency and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id                       account of the cost lines
--   currency                         currency of the cost lines
--   effective_cost                   sum of effective_cost, purchases left out
--   billed_cost                      sum of billed_cost over all rows
--   credits                          sum of billed_cost of credit rows
--   cost_lines                       rows
--   commitment_purchase_lines        purchase rows
--   commitment_purchase_billed_cost  sum of billed_cost of purchase rows
CREATE OR REPLACE VIEW `acme-prod.evidence.cost_by_currency` AS
SELECT
  grain,
  period,
  period_start,
  period_end,
  account_id,
  currency,
  SUM(CASE WHEN commitment_purchase THEN 0 ELSE effective_cost END) AS effective_cost,
  SUM(billed_cost) AS billed_cost,
  SUM(CASE WHEN LOWER(charge_category) = 'credit' THEN billed_cost ELSE 0 END) AS credits,
  COUNT(*) AS cost_lines,
  COUNT(CASE WHEN commitment_purchase THEN 1 END) AS commitment_purchase_lines,
  SUM(CASE WHEN commitment_purchase THEN billed_cost ELSE 0 END) AS commitment_purchase_billed_cost
FROM `acme-prod.evidence.cost_line_periods`
GROUP BY grain, period, period_start, period_end, account_id, currency
