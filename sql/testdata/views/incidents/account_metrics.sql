SELECT grain, period, incidents, unresolved_incidents, median_resolution_seconds, audit_exports_completed
FROM account_metrics
ORDER BY grain, period
