package render

// formulas returns the formula text of every derived metric, as computed
// by the views named in each text.
func formulas() map[string]string {
	return map[string]string{
		"verified_resolved_cases": "cases with a case_resolved event in the period and no case_reopened of the same account and case " +
			"within verification_window_days after their last resolution in the period (resolved_cases view)",
		"reviewed_cases": "cases with at least one review label in the period (reviewed_cases view)",
		"review_accuracy": "reviewed cases whose latest verdict (by labeled_at, then label_id) is correct / reviewed cases; " +
			"partially_correct counts as not correct (account_metrics view)",
		"handle_time_reduction": "1 - sum_w(n_w * mean_handle_time_w) / sum_w(n_w * baseline_handle_time_w), " +
			"n_w = resolved cases of workflow w (account_metrics view)",
		"reopen_rate_delta": "(resolved cases reopened within the window / resolved cases - baseline reopen rate weighted by " +
			"resolved cases per workflow) * 100, in percentage points (account_metrics view)",
		"estimated_cost_avoided": "sum_w(verified resolved cases_w * max(0, baseline_w - mean handle time_w) / 3600 * hourly_cost_rate_w), " +
			"in fixed point, account currency (workflow_metrics view)",
		"active_users": "distinct user_id with any usage event in the period (account_metrics view)",
		"cost_total": "sum of effective_cost of cost lines in the account currency, commitment purchase lines left out " +
			"(cost_by_currency view)",
		"billed_total":           "sum of billed_cost of all cost lines in the account currency (cost_by_currency view)",
		"credits":                "sum of billed_cost of lines whose charge_category is Credit (cost_by_currency view)",
		"cost_per_verified_case": "cost total / verified resolved cases (account_metrics view)",
		"median_resolution_time": "median of resolved_at - opened_at over incidents opened in the period and resolved " +
			"(incident_metrics view)",
		"audit_exports_completed": "count of audit_export_completed usage events in the period (account_metrics view)",
		"feedback_incorporated":   "review labels in the period with incorporated_as set, counted only when the account permits learning from its data (account_metrics view)",
		"expansion_candidates": "autonomy: reviewed cases, review accuracy, sev1 and all incidents within the thresholds of " +
			"pack_settings; volume: (last - first month resolved cases) / first month >= min_usage_growth; " +
			"workflow: the workflow is in trial (expansion_candidates view)",
		"provisional": "data_through < period end + verification_window_days (account_metrics view)",
		"resolved_cases": "cases with a case_resolved event in the period, counted once at their last resolution " +
			"(resolved_cases view)",
		"reopened_cases": "resolved cases with a case_reopened within verification_window_days after their last resolution " +
			"in the period (resolved_cases view)",
		"incidents":            "incidents opened in the period, in all and per severity sev1 to sev4 (incident_metrics view)",
		"unresolved_incidents": "incidents opened in the period with no resolved_at (incident_metrics view)",
		"incident_resolution_time": "resolved_at - opened_at of one incident; open while resolved_at is missing " +
			"(incident_periods view)",
	}
}
