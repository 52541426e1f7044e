-- pack_settings: exactly one row of parameters that the views read. The
-- runner replaces the row before it renders packs. data_through is the
-- latest UTC instant the facts are complete to; a period is provisional
-- while data_through is before its end plus verification_window_days.
-- Grain: exactly one row.
-- Columns:
--   verification_window_days  days a resolved case must stay un-reopened
--                             to count as verified
--   data_through              latest UTC instant the facts are complete to
--   min_reviewed_cases        fewest reviewed cases of an autonomy candidate
--   min_review_accuracy       lowest review accuracy of an autonomy
--                             candidate, 0 to 1
--   max_sev1_incidents        most sev1 incidents of an autonomy candidate
--   max_incidents             most incidents of an autonomy candidate
--   min_usage_growth          growth of resolved cases from the first to
--                             the last month that makes a volume candidate
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.pack_settings` (
  verification_window_days INT64,
  data_through TIMESTAMP,
  min_reviewed_cases INT64,
  min_review_accuracy FLOAT64,
  max_sev1_incidents INT64,
  max_incidents INT64,
  min_usage_growth FLOAT64
)
