SELECT grain, period, case_id, labels, label_id, verdict, correct
FROM reviewed_cases
ORDER BY grain, period, case_id
