-- source_freshness: how old each source's newest fact was at the end of
-- the latest run's window, for the sources that set freshness in the
-- config. The runner replaces every row in its check step. Packs carry a
-- data quality note for each failed row.
-- Grain: one row per source with a freshness setting.
-- Columns:
--   source        name of the configured source
--   table_name    fact table the source loads into
--   newest_at     event time of the source's newest fact dated up to the
--                 window end, UTC; NULL when there is none
--   window_end    end of the window's last logical date, UTC
--   age_seconds   window_end minus newest_at in seconds
--   status        passed, or failed when older than warn_after or
--                 error_after
--   severity      warn or error for a failed row, NULL otherwise
--   note          sentence a pack shows about the stale source, NULL
--                 when the source passed
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.source_freshness` (
  source STRING,
  table_name STRING,
  newest_at TIMESTAMP,
  window_end TIMESTAMP,
  age_seconds FLOAT64,
  status STRING,
  severity STRING,
  note STRING
)
