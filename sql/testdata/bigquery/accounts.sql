-- accounts: one row per customer account, from the config or its accounts
-- CSV. currency is an ISO 4217 code such as USD.
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.accounts` (
  account_id STRING,
  name STRING,
  currency STRING,
  renewal_date DATE,
  annual_contract_value BIGNUMERIC(38,18),
  learning_permitted BOOL
)
