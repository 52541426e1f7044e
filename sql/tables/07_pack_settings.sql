-- pack_settings: exactly one row of parameters that the views read. The
-- runner replaces the row before it renders packs. data_through is the
-- latest UTC instant the facts are complete to; a period is provisional
-- while data_through is before its end plus verification_window_days.
CREATE TABLE IF NOT EXISTS {{ table "pack_settings" }} (
  verification_window_days {{ type "integer" }},
  data_through {{ type "timestamp" }},
  min_reviewed_cases {{ type "integer" }},
  min_review_accuracy {{ type "double" }},
  max_sev1_incidents {{ type "integer" }},
  max_incidents {{ type "integer" }},
  min_usage_growth {{ type "double" }}
)
