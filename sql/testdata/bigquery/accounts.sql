-- accounts: one row per customer account, from the config or its accounts
-- CSV. currency is an ISO 4217 code such as USD.
-- Grain: one row per account.
-- Columns:
--   account_id             account id used by every fact
--   name                   display name of the account
--   currency               ISO 4217 currency of the contract and the packs
--   renewal_date           next contract renewal date
--   annual_contract_value  contract value per year in currency
--   learning_permitted     TRUE when the contract permits learning from the
--                          account's data; feedback is counted as
--                          incorporated only then
--   time_zone              IANA zone whose calendar assigns the account's
--                          facts to months and quarters; NULL counts as UTC
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.accounts` (
  account_id STRING,
  name STRING,
  currency STRING,
  renewal_date DATE,
  annual_contract_value BIGNUMERIC(38,18),
  learning_permitted BOOL,
  time_zone STRING
)
