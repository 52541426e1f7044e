-- review_label_periods: each review label joined to its month and its
-- quarter by labeled_at in the account's time zone.
-- Grain: one row per label and period (two rows per label).
-- Columns:
--   grain, period, period_start, period_end  as in periods
--   label_id, labeled_at, account_id, workflow, case_id, reviewer_id,
--   verdict, failure_category, incorporated_as
--       as in review_labels
CREATE OR REPLACE VIEW {{ table "review_label_periods" }} AS
-- dt, the UTC date of the fact's time, is within a day of its local time,
-- so the dt condition drops no row. It lets DuckDB skip the partitions far
-- from the periods joined, such as all but one quarter when a render has
-- copied only its period into a TEMP periods table. Rows without dt, which
-- only a hand-written INSERT leaves, follow after UNION ALL.
SELECT
  p.grain,
  p.period,
  p.period_start,
  p.period_end,
  l.label_id,
  l.labeled_at,
  l.account_id,
  l.workflow,
  l.case_id,
  l.reviewer_id,
  l.verdict,
  l.failure_category,
  l.incorporated_as
FROM {{ table "review_labels" }} AS l
LEFT JOIN {{ table "accounts" }} AS a ON a.account_id = l.account_id
JOIN {{ table "periods" }} AS p
  ON {{ dt_near_period "l.dt" "p.period_start" "p.period_end" }}
  AND {{ local_time "l.labeled_at" "a.time_zone" }} >= p.period_start
  AND {{ local_time "l.labeled_at" "a.time_zone" }} < p.period_end
UNION ALL
-- A row without dt gets the month and the quarter of its local time: the
-- rows of the periods view that the join above matches, because that view
-- has the quarter of every fact and its three months. A TEMP copy of
-- periods does not limit these rows.
SELECT
{{ undated_period_columns "g" }}
  g.label_id,
  g.labeled_at,
  g.account_id,
  g.workflow,
  g.case_id,
  g.reviewer_id,
  g.verdict,
  g.failure_category,
  g.incorporated_as
FROM (
{{ undated_facts "review_labels" "l" "labeled_at" }}
) AS g
