-- review_labels: one row per human review verdict, keyed by label_id.
-- verdict is correct, partially_correct or incorrect. dt is the UTC date of
-- labeled_at and the partition.
CREATE TABLE IF NOT EXISTS `acme-prod.evidence.review_labels` (
  label_id STRING,
  labeled_at TIMESTAMP,
  account_id STRING,
  workflow STRING,
  case_id STRING,
  reviewer_id STRING,
  verdict STRING,
  failure_category STRING,
  feedback_text STRING,
  incorporated_as STRING,
  source STRING,
  dt DATE
)
PARTITION BY dt
CLUSTER BY account_id
