SELECT "key", "value"
FROM source_state
WHERE source = ?
QUALIFY ROW_NUMBER() OVER (PARTITION BY "key" ORDER BY updated_at DESC, run_id DESC) = 1
