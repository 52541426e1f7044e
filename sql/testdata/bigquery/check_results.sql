-- check_results: the outcome of every data quality check of every run,
-- with the query that selects its failing rows and a sample of them.
-- Grain: one row per run and check.
-- Columns:
--   run_id         id of the run whose check step produced the row
--   check_name     name of the built-in or configured check
--   table_name     table the check reads
--   kind           not_null, unique, accepted_values, relationships,
--                  range, row_count_drop or custom_sql
--   severity       warn or error
--   status         passed or failed
--   failing_count  number of failing rows (unique: duplicated keys;
--                  row_count_drop: rows missing against the previous run)
--   sample         up to 20 failing rows as a JSON array of objects
--   sql            query that selects the failing rows, with ? for the
--                  bound values
--   message        explanation of a failure that is not a row count
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.check_results` (
  run_id STRING,
  check_name STRING,
  table_name STRING,
  kind STRING,
  severity STRING,
  status STRING,
  failing_count INT64,
  sample STRING,
  sql STRING,
  message STRING
)
