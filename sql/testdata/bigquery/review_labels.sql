-- review_labels: one row per human review verdict, keyed by label_id.
-- verdict is correct, partially_correct or incorrect. dt is the UTC date of
-- labeled_at and the partition.
-- Grain: one row per review label.
-- Columns:
--   label_id          id of the label in the source; the key
--   labeled_at        when the reviewer gave the verdict, UTC
--   account_id        customer account of the reviewed case
--   workflow          workflow of the reviewed case
--   case_id           case whose AI output was reviewed
--   reviewer_id       reviewer who gave the verdict
--   verdict           correct, partially_correct or incorrect
--   failure_category  category of the failure, NULL when none is given
--   feedback_text     reviewer's free text with personal data redacted
--   incorporated_as   id of the eval case or fix that used the feedback,
--                     NULL when none did yet
--   source            name of the configured source the row came from
--   dt                UTC date of labeled_at; the partition
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
