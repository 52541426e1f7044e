-- cost_lines: one row per line of a cost export, keyed by line_id. Money
-- keeps 18 fractional digits in the currency of the line. A row with
-- commitment_purchase = TRUE buys a commitment whose cost reaches usage
-- through the effective_cost of the rows it covers. dt is the UTC date of
-- charge_period_start and the partition.
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
