-- account_workflows: one row per account and workflow with the baseline
-- measured before the product was used. baseline_reopen_rate is a share
-- from 0 to 1, hourly_cost_rate is in the account currency, and
-- autonomy_level is the level the workflow runs at now.
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.account_workflows` (
  account_id STRING,
  workflow STRING,
  baseline_handle_time_seconds FLOAT64,
  baseline_reopen_rate FLOAT64,
  hourly_cost_rate BIGNUMERIC(38,18),
  autonomy_level STRING,
  trial BOOL
)
