SELECT account_id, COALESCE(name, ''), COALESCE(currency, '') FROM accounts
