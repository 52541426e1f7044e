-- accounts: one row per customer account, from the config or its accounts
-- CSV. currency is an ISO 4217 code such as USD.
CREATE TABLE IF NOT EXISTS {{ table "accounts" }} (
  account_id {{ type "string" }},
  name {{ type "string" }},
  currency {{ type "string" }},
  renewal_date {{ type "date" }},
  annual_contract_value {{ type "money" }},
  learning_permitted {{ type "boolean" }}
)
