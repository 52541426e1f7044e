-- cost_lines: one row per line of a cost export, keyed by line_id. Money
-- keeps 18 fractional digits in the currency of the line. A row with
-- commitment_purchase = TRUE buys a commitment whose cost reaches usage
-- through the effective_cost of the rows it covers. dt is the UTC date of
-- charge_period_start and the partition.
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
