SELECT `key`, `value`
FROM `acme-prod.evidence.source_state`
WHERE source = ?
QUALIFY ROW_NUMBER() OVER (PARTITION BY `key` ORDER BY updated_at DESC, run_id DESC) = 1
