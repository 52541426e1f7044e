SELECT grain, period, workflow, kind, from_level, to_level, reviewed_cases, review_accuracy, incidents,
  sev1_incidents, first_month_resolved_cases, last_month_resolved_cases, usage_growth, trial
FROM expansion_candidates
ORDER BY grain, period, workflow, kind
