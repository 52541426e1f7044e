package config

import (
	"fmt"
	"strings"
	"time"

	"evidencepack/transforms"
)

// Check is one data quality check run after the load and before render.
type Check struct {
	// Name identifies the check in logs, results and checks_disabled. An
	// entry named like a built-in check with no kind only changes the
	// built-in check's severity.
	Name string `yaml:"name"`
	// Table is the warehouse table checked.
	Table string `yaml:"table"`
	// Kind is one of CheckKinds.
	Kind string `yaml:"kind"`
	// Columns are the checked columns. A range check with two columns
	// requires the first to be at least the second.
	Columns []string `yaml:"columns"`
	// Values are the accepted values of accepted_values, and the values
	// that relationships lets through without a match.
	Values []string `yaml:"values"`
	// Min and Max bound a range check on one numeric column.
	Min *float64 `yaml:"min"`
	Max *float64 `yaml:"max"`
	// References is the table.column that relationships looks values up
	// in. The default is accounts.account_id.
	References string `yaml:"references"`
	// MaxDropShare is the largest share, from 0 to 1, by which a table's
	// row count for the run's dates may fall below the previous successful
	// run of the same dates.
	MaxDropShare *float64 `yaml:"max_drop_share"`
	// SQL is a query returning the failing rows of a custom_sql check.
	SQL string `yaml:"sql"`
	// Severity is warn (log and record) or error (stop the run before
	// render). The default is error.
	Severity string `yaml:"severity"`
	// Scope is window or table, overriding checks_scope. It applies to
	// the built-in kinds on fact tables. custom_sql checks what its query
	// selects and row_count_drop counts the run's dates, so neither takes
	// a scope.
	Scope string `yaml:"scope"`
}

// Check kinds and severities.
const (
	CheckNotNull        = "not_null"
	CheckUnique         = "unique"
	CheckAcceptedValues = "accepted_values"
	CheckRelationships  = "relationships"
	CheckRange          = "range"
	CheckRowCountDrop   = "row_count_drop"
	CheckCustomSQL      = "custom_sql"

	SeverityWarn  = "warn"
	SeverityError = "error"

	ScopeWindow = "window"
	ScopeTable  = "table"
)

// CheckKinds lists the kinds a check may have.
var CheckKinds = []string{CheckNotNull, CheckUnique, CheckAcceptedValues, CheckRelationships,
	CheckRange, CheckRowCountDrop, CheckCustomSQL}

// CheckTables lists the tables a check may name besides custom_sql, which
// queries whatever it likes.
var CheckTables = append(append([]string{}, transforms.Tables...), "accounts", "account_workflows")

// Freshness sets how old a source's newest fact may be, measured back from
// the end of the run's last logical date.
type Freshness struct {
	// WarnAfter is the age past which the run logs a warning and the packs
	// carry a note. Zero turns the warning off.
	WarnAfter time.Duration `yaml:"warn_after"`
	// ErrorAfter is the age past which the run fails before render. Zero
	// turns the failure off.
	ErrorAfter time.Duration `yaml:"error_after"`
}

// EffectiveChecks returns the built-in checks minus checks_disabled, with
// the severity overrides of Checks applied, followed by the other entries
// of Checks.
func (c *Config) EffectiveChecks() []Check {
	disabled := map[string]bool{}
	for _, name := range c.ChecksDisabled {
		disabled[name] = true
	}
	overrides := map[string]Check{}
	var own []Check
	for _, ch := range c.Checks {
		if _, builtin := builtinByName()[ch.Name]; builtin && ch.Kind == "" {
			overrides[ch.Name] = ch
			continue
		}
		if !disabled[ch.Name] {
			own = append(own, ch.withDefaults())
		}
	}
	var out []Check
	for _, b := range BuiltinChecks() {
		if disabled[b.Name] {
			continue
		}
		if o, ok := overrides[b.Name]; ok && o.Severity != "" {
			b.Severity = o.Severity
		}
		if o, ok := overrides[b.Name]; ok && o.Scope != "" {
			b.Scope = o.Scope
		}
		out = append(out, b)
	}
	out = append(out, own...)
	for i := range out {
		out[i].Scope = c.checkScope(out[i])
	}
	return out
}

// checkScope returns the scope a check runs with: its own, else
// checks_scope, else window. Kinds that take no scope get none.
func (c *Config) checkScope(ch Check) string {
	if ch.Kind == CheckCustomSQL || ch.Kind == CheckRowCountDrop {
		return ""
	}
	if ch.Scope != "" {
		return ch.Scope
	}
	if c.ChecksScope != "" {
		return c.ChecksScope
	}
	return ScopeWindow
}

func (ch Check) withDefaults() Check {
	if ch.Severity == "" {
		ch.Severity = SeverityError
	}
	if ch.Kind == CheckRelationships && ch.References == "" {
		ch.References = "accounts.account_id"
	}
	return ch
}

// validateChecks checks the checks, checks_disabled and each source's
// freshness.
func (c *Config) validateChecks(ck *checker) {
	builtins := builtinByName()
	names := map[string]bool{}
	if c.ChecksScope != "" && c.ChecksScope != ScopeWindow && c.ChecksScope != ScopeTable {
		ck.fail("checks_scope", "must be %s or %s, got %q", ScopeWindow, ScopeTable, c.ChecksScope)
	}
	for i, ch := range c.Checks {
		key := fmt.Sprintf("checks[%d]", i)
		if names[ch.Name] {
			ck.fail(key+".name", "duplicate check name %q", ch.Name)
		}
		names[ch.Name] = true
		_, builtin := builtins[ch.Name]
		ch.validate(ck, key, builtin)
	}
	for i, name := range c.ChecksDisabled {
		if _, ok := builtins[name]; !ok && !names[name] {
			ck.fail(fmt.Sprintf("checks_disabled[%d]", i), "no built-in or configured check is named %q", name)
		}
	}
	for i, s := range c.Sources {
		if f := s.Freshness; f != nil {
			f.validate(ck, fmt.Sprintf("sources[%d].freshness", i))
		}
	}
}

func (ch *Check) validate(ck *checker, key string, builtin bool) {
	if ch.Name == "" {
		ck.fail(key+".name", "required")
	}
	if ch.Severity != "" && ch.Severity != SeverityWarn && ch.Severity != SeverityError {
		ck.fail(key+".severity", "must be %s or %s, got %q", SeverityWarn, SeverityError, ch.Severity)
	}
	if ch.Scope != "" && ch.Scope != ScopeWindow && ch.Scope != ScopeTable {
		ck.fail(key+".scope", "must be %s or %s, got %q", ScopeWindow, ScopeTable, ch.Scope)
	}
	if ch.Scope != "" && (ch.Kind == CheckCustomSQL || ch.Kind == CheckRowCountDrop) {
		ck.fail(key+".scope", "does not apply to kind %s: custom_sql checks what its query selects and row_count_drop counts the run's dates", ch.Kind)
	}
	if builtin && ch.Kind == "" {
		return
	}
	if !contains(CheckKinds, ch.Kind) {
		ck.fail(key+".kind", "must be one of %v, got %q", CheckKinds, ch.Kind)
		return
	}
	if ch.Kind == CheckCustomSQL {
		if strings.TrimSpace(ch.SQL) == "" {
			ck.fail(key+".sql", "required for kind custom_sql: a query that returns the failing rows")
		}
		return
	}
	if !contains(CheckTables, ch.Table) {
		ck.fail(key+".table", "must be one of %v, got %q", CheckTables, ch.Table)
		return
	}
	ch.validateColumns(ck, key)
	ch.validateKind(ck, key)
}

// validateColumns checks that the columns exist in a fact table. Columns
// of the dimension tables are checked by DuckDB when the check runs.
func (ch *Check) validateColumns(ck *checker, key string) {
	if ch.Kind != CheckRowCountDrop && len(ch.Columns) == 0 {
		ck.fail(key+".columns", "at least one column is required for kind %s", ch.Kind)
	}
	schema, err := transforms.SchemaOf(ch.Table)
	if err != nil {
		return
	}
	for j, col := range ch.Columns {
		if len(schema.FieldIndices(col)) == 0 {
			ck.fail(fmt.Sprintf("%s.columns[%d]", key, j), "table %s has no column %q", ch.Table, col)
		}
	}
}

func (ch *Check) validateKind(ck *checker, key string) {
	switch ch.Kind {
	case CheckAcceptedValues:
		if len(ch.Values) == 0 {
			ck.fail(key+".values", "at least one value is required for kind accepted_values")
		}
	case CheckRelationships:
		if r := ch.References; r != "" && len(strings.Split(r, ".")) != 2 {
			ck.fail(key+".references", "must be table.column, got %q", r)
		}
	case CheckRange:
		if len(ch.Columns) == 1 && ch.Min == nil && ch.Max == nil {
			ck.fail(key, "a range check on one column needs min, max or both")
		}
		if len(ch.Columns) > 2 {
			ck.fail(key+".columns", "a range check takes one column with min/max, or two columns (first >= second)")
		}
	case CheckRowCountDrop:
		if ch.MaxDropShare == nil || *ch.MaxDropShare < 0 || *ch.MaxDropShare > 1 {
			ck.fail(key+".max_drop_share", "required for kind row_count_drop, between 0 and 1")
		}
	}
}

func (f *Freshness) validate(ck *checker, key string) {
	if f.WarnAfter < 0 {
		ck.fail(key+".warn_after", "must not be negative, got %s", f.WarnAfter)
	}
	if f.ErrorAfter < 0 {
		ck.fail(key+".error_after", "must not be negative, got %s", f.ErrorAfter)
	}
	if f.WarnAfter > 0 && f.ErrorAfter > 0 && f.ErrorAfter < f.WarnAfter {
		ck.fail(key+".error_after", "must not be shorter than warn_after (%s), got %s", f.WarnAfter, f.ErrorAfter)
	}
}
