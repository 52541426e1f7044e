SELECT grain, period, incidents, sev1_incidents, sev2_incidents, sev3_incidents, sev4_incidents,
  resolved, unresolved, median_resolution_seconds
FROM incident_metrics
ORDER BY grain, period
