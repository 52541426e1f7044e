-- cost_lines: one row per line of a cost export, keyed by line_id. Money
-- keeps 18 fractional digits in the currency of the line. A row with
-- commitment_purchase = TRUE buys a commitment whose cost reaches usage
-- through the effective_cost of the rows it covers. dt is the UTC date of
-- charge_period_start and the partition.
-- Grain: one row per cost line.
-- Columns:
--   line_id              id of the line: the source's, or a SHA-256 of the
--                        source name and raw row for FOCUS
--   charge_period_start  start of the charged period, UTC, inclusive
--   charge_period_end    end of the charged period, UTC, exclusive
--   account_id           customer account the line is attributed to, or
--                        unattributed
--   provider             provider of the service (FOCUS ProviderName)
--   service              service charged (FOCUS ServiceName)
--   sku                  SKU id (FOCUS SkuId)
--   charge_category      Usage, Purchase, Tax, Credit or Adjustment
--   consumed_quantity    quantity consumed, in consumed_unit
--   consumed_unit        unit of consumed_quantity, such as Tokens
--   billed_cost          cost as invoiced (FOCUS BilledCost)
--   effective_cost       cost with discounts and amortised commitments
--                        applied (FOCUS EffectiveCost)
--   currency             ISO 4217 code of both costs (FOCUS BillingCurrency)
--   commitment_purchase  TRUE for a purchase of a commitment discount
--   source               name of the configured source the row came from
--   dt                   UTC date of charge_period_start; the partition
CREATE TABLE IF NOT EXISTS {{ table "cost_lines" }} (
  line_id {{ type "string" }},
  charge_period_start {{ type "timestamp" }},
  charge_period_end {{ type "timestamp" }},
  account_id {{ type "string" }},
  provider {{ type "string" }},
  service {{ type "string" }},
  sku {{ type "string" }},
  charge_category {{ type "string" }},
  consumed_quantity {{ type "money" }},
  consumed_unit {{ type "string" }},
  billed_cost {{ type "money" }},
  effective_cost {{ type "money" }},
  currency {{ type "string" }},
  commitment_purchase {{ type "boolean" }},
  source {{ type "string" }},
  dt {{ type "date" }}
){{ partition_clause "dt" "account_id" }}
