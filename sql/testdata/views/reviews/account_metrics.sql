SELECT grain, period, reviewed_cases, correct_reviewed_cases, review_accuracy, review_labels, feedback_incorporated
FROM account_metrics
ORDER BY grain, period
