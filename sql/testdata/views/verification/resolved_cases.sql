SELECT case_id, resolutions, resolved_at, reopened_at, verified
FROM resolved_cases
WHERE grain = 'month' AND period = '2026-07' AND account_id = 'acme'
ORDER BY case_id
