-- account_workflows: one row per account and workflow with the baseline
-- measured before the product was used. baseline_reopen_rate is a share
-- from 0 to 1, hourly_cost_rate is in the account currency, and
-- autonomy_level is the level the workflow runs at now.
-- Grain: one row per account and workflow.
-- Columns:
--   account_id                    account of the workflow
--   workflow                      workflow name
--   baseline_handle_time_seconds  mean handle time of a case without the
--                                 product, in seconds
--   baseline_reopen_rate          share of resolved cases reopened without
--                                 the product, 0 to 1
--   hourly_cost_rate              loaded cost of one hour of human handling
--   autonomy_level                draft, recommendation, bounded_automation
--                                 or full_workflow
--   trial                         TRUE while the account tries the workflow
--                                 before buying it
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.account_workflows` (
  account_id STRING,
  workflow STRING,
  baseline_handle_time_seconds FLOAT64,
  baseline_reopen_rate FLOAT64,
  hourly_cost_rate BIGNUMERIC(38,18),
  autonomy_level STRING,
  trial BOOL
)
