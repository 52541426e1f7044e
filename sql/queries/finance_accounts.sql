{{- /* finance_accounts: every account with its name and currency, empty
text for NULL. */ -}}
SELECT account_id, COALESCE(name, ''), COALESCE(currency, '') FROM {{ table "accounts" }}
