-- cost_by_service: cost of an account per currency and service, with the
-- same rules as cost_by_currency. A NULL service is shown as '(none)'.
-- Grain: one row per account, currency, service and period.
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   account_id      account of the cost lines
--   currency        currency of the cost lines
--   service         service of the cost lines, '(none)' when NULL
--   effective_cost  sum of effective_cost, purchases left out
--   billed_cost     sum of billed_cost over all rows
--   cost_lines      rows
CREATE OR REPLACE VIEW {{ table "cost_by_service" }} AS
SELECT
  grain,
  period,
  period_start,
  period_end,
  account_id,
  currency,
  COALESCE(service, '(none)') AS service,
  SUM(CASE WHEN commitment_purchase THEN 0 ELSE effective_cost END) AS effective_cost,
  SUM(billed_cost) AS billed_cost,
  COUNT(*) AS cost_lines
FROM {{ table "cost_line_periods" }}
GROUP BY grain, period, period_start, period_end, account_id, currency, COALESCE(service, '(none)')
