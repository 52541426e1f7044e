SELECT grain, period, failure_category, reviewed_cases
FROM failure_categories
ORDER BY grain, period, failure_category
