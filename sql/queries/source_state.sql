{{- /* source_state: the newest high-water mark of each key of one live
source. DuckDB keeps one row per source and key, while BigQuery appends a
row per key and run, so the newest updated_at wins. Parameter: the source
name. */ -}}
SELECT {{ ident "key" }}, {{ ident "value" }}
FROM {{ table "source_state" }}
WHERE source = ?
QUALIFY ROW_NUMBER() OVER (PARTITION BY {{ ident "key" }} ORDER BY updated_at DESC, run_id DESC) = 1
