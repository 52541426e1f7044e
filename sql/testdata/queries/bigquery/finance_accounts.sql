SELECT account_id, COALESCE(name, ''), COALESCE(currency, '') FROM `acme-prod.evidence.accounts`
