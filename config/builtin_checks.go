package config

// BuiltinChecks returns the checks that every run applies to the fact
// tables unless checks_disabled names them: keys, account ids and event
// times present, keys unique, vocabularies respected, account ids known
// and durations not negative.
func BuiltinChecks() []Check {
	unattributed := []string{"unattributed"}
	zero := 0.0
	return []Check{
		notNull("usage_events", "event_id", "account_id", "occurred_at"),
		notNull("review_labels", "label_id", "account_id", "labeled_at"),
		notNull("cost_lines", "line_id", "account_id", "charge_period_start", "charge_period_end"),
		notNull("incidents", "incident_id", "account_id", "opened_at"),
		unique("usage_events", "event_id"),
		unique("review_labels", "label_id"),
		unique("cost_lines", "line_id"),
		unique("incidents", "incident_id", "account_id"),
		accepted("usage_events", "event_type", EventTypes),
		accepted("usage_events", "autonomy_level", AutonomyLevels),
		accepted("review_labels", "verdict", Verdicts),
		accepted("incidents", "severity", Severities),
		knownAccount("usage_events", nil),
		knownAccount("review_labels", nil),
		knownAccount("cost_lines", unattributed),
		knownAccount("incidents", nil),
		{Name: "usage_events.handle_time_seconds.range", Table: "usage_events", Kind: CheckRange,
			Columns: []string{"handle_time_seconds"}, Min: &zero, Severity: SeverityError},
		notBefore("incidents", "resolved_at", "opened_at"),
		notBefore("incidents", "acknowledged_at", "opened_at"),
	}
}

func builtinByName() map[string]Check {
	out := map[string]Check{}
	for _, c := range BuiltinChecks() {
		out[c.Name] = c
	}
	return out
}

func notNull(table string, columns ...string) Check {
	return Check{Name: table + ".not_null", Table: table, Kind: CheckNotNull, Columns: columns,
		Severity: SeverityError}
}

func unique(table string, columns ...string) Check {
	return Check{Name: table + ".unique", Table: table, Kind: CheckUnique, Columns: columns,
		Severity: SeverityError}
}

func accepted(table, column string, values []string) Check {
	return Check{Name: table + "." + column + ".accepted_values", Table: table, Kind: CheckAcceptedValues,
		Columns: []string{column}, Values: values, Severity: SeverityError}
}

func knownAccount(table string, exempt []string) Check {
	return Check{Name: table + ".account_id.relationships", Table: table, Kind: CheckRelationships,
		Columns: []string{"account_id"}, Values: exempt, References: "accounts.account_id",
		Severity: SeverityError}
}

// notBefore checks that column, where set, is not before earlier.
func notBefore(table, column, earlier string) Check {
	return Check{Name: table + "." + column + ".range", Table: table, Kind: CheckRange,
		Columns: []string{column, earlier}, Severity: SeverityError}
}
