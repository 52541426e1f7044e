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
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.cost_lines` (
  line_id STRING,
  charge_period_start TIMESTAMP,
  charge_period_end TIMESTAMP,
  account_id STRING,
  provider STRING,
  service STRING,
  sku STRING,
  charge_category STRING,
  consumed_quantity BIGNUMERIC(38,18),
  consumed_unit STRING,
  billed_cost BIGNUMERIC(38,18),
  effective_cost BIGNUMERIC(38,18),
  currency STRING,
  commitment_purchase BOOL,
  source STRING,
  dt DATE
)
PARTITION BY dt
CLUSTER BY account_id
