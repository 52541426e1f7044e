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
CREATE TABLE IF NOT EXISTS {{ table "pack_settings" }} (
  verification_window_days {{ type "integer" }},
  data_through {{ type "timestamp" }},
  min_reviewed_cases {{ type "integer" }},
  min_review_accuracy {{ type "double" }},
  max_sev1_incidents {{ type "integer" }},
  max_incidents {{ type "integer" }},
  min_usage_growth {{ type "double" }}
)
