-- pack_settings: exactly one row of parameters that the views read. The
-- runner replaces the row before it renders packs. data_through is the
-- latest UTC instant the facts are complete to; a period is provisional
-- while data_through is before its end plus verification_window_days.
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.pack_settings` (
  verification_window_days INT64,
  data_through TIMESTAMP,
  min_reviewed_cases INT64,
  min_review_accuracy FLOAT64,
  max_sev1_incidents INT64,
  max_incidents INT64,
  min_usage_growth FLOAT64
)
