-- review_labels: one row per human review verdict, keyed by label_id.
-- verdict is correct, partially_correct or incorrect. dt is the UTC date of
-- labeled_at and the partition.
CREATE TABLE IF NOT EXISTS {{ table "review_labels" }} (
  label_id {{ type "string" }},
  labeled_at {{ type "timestamp" }},
  account_id {{ type "string" }},
  workflow {{ type "string" }},
  case_id {{ type "string" }},
  reviewer_id {{ type "string" }},
  verdict {{ type "string" }},
  failure_category {{ type "string" }},
  feedback_text {{ type "string" }},
  incorporated_as {{ type "string" }},
  source {{ type "string" }},
  dt {{ type "date" }}
){{ partition_clause "dt" "account_id" }}
