// Package sql holds the warehouse tables and the SQL views that evidence
// packs are rendered from. Each file is a text/template rendered through a
// small dialect layer, so one text serves DuckDB and BigQuery, in the way
// dbt's cross-database macros do.
package sql

import (
	"fmt"
	"strings"
	"text/template"
)

// Names of the supported dialects.
const (
	DuckDBName   = "duckdb"
	BigQueryName = "bigquery"
)

// Dialect selects the SQL flavour that templates render to. Project and
// Dataset qualify table names in BigQuery and are ignored by DuckDB.
type Dialect struct {
	Name    string
	Project string
	Dataset string
}

// DuckDB returns the dialect of the embedded DuckDB warehouse.
func DuckDB() Dialect { return Dialect{Name: DuckDBName} }

// BigQuery returns the dialect of a BigQuery dataset.
func BigQuery(project, dataset string) Dialect {
	return Dialect{Name: BigQueryName, Project: project, Dataset: dataset}
}

func (d Dialect) validate() error {
	switch d.Name {
	case DuckDBName:
		return nil
	case BigQueryName:
		if d.Project == "" || d.Dataset == "" {
			return fmt.Errorf("bigquery dialect needs a project and a dataset, got %q and %q", d.Project, d.Dataset)
		}
		return nil
	default:
		return fmt.Errorf("unknown sql dialect %q: use %q or %q", d.Name, DuckDBName, BigQueryName)
	}
}

func (d Dialect) bigQuery() bool { return d.Name == BigQueryName }

// funcs returns the template functions. Every function takes SQL text
// (column names or expressions) and returns SQL text, so calls nest.
func (d Dialect) funcs() template.FuncMap {
	return template.FuncMap{
		"table":                  d.table,
		"ident":                  d.ident,
		"type":                   d.columnType,
		"decimal":                d.decimal,
		"partition_clause":       d.partitionClause,
		"date_trunc":             d.dateTrunc,
		"local_time":             d.localTime,
		"add_months":             d.addMonths,
		"add_days":               d.addDays,
		"date_start":             d.dateStart,
		"utc_date":               d.utcDate,
		"near_quarter_start":     d.nearQuarterStart,
		"dt_near_period":         d.dtNearPeriod,
		"month_label":            d.monthLabel,
		"quarter_label":          d.quarterLabel,
		"date_diff_seconds":      d.dateDiffSeconds,
		"safe_divide":            d.safeDivide,
		"decimal_divide":         d.decimalDivide,
		"median_over":            d.medianOver,
		"undated_period_columns": d.undatedPeriodColumns,
		"undated_facts":          d.undatedFacts,
	}
}

// Table returns the name of a warehouse table or view as queries of the
// dialect write it: `project.dataset.name` in BigQuery and the bare name
// in DuckDB. It rejects a name that is not a plain identifier.
func (d Dialect) Table(name string) (string, error) { return d.table(name) }

// table returns the qualified name of a warehouse table or view.
func (d Dialect) table(name string) (string, error) {
	if !isIdentifier(name) {
		return "", fmt.Errorf("invalid table name %q", name)
	}
	if d.bigQuery() {
		return "`" + d.Project + "." + d.Dataset + "." + name + "`", nil
	}
	return name, nil
}

// ident quotes one identifier.
func (d Dialect) ident(name string) (string, error) {
	if !isIdentifier(name) {
		return "", fmt.Errorf("invalid identifier %q", name)
	}
	if d.bigQuery() {
		return "`" + name + "`", nil
	}
	return `"` + name + `"`, nil
}

func isIdentifier(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

var columnTypes = map[string][2]string{
	// kind: {DuckDB, BigQuery}
	"string":    {"VARCHAR", "STRING"},
	"double":    {"DOUBLE", "FLOAT64"},
	"integer":   {"INTEGER", "INT64"},
	"boolean":   {"BOOLEAN", "BOOL"},
	"timestamp": {"TIMESTAMP", "TIMESTAMP"},
	"date":      {"DATE", "DATE"},
	"money":     {"DECIMAL(38,18)", "BIGNUMERIC(38,18)"},
}

// StringType returns the dialect's name of the string type, for casts in
// queries built outside the SQL templates.
func (d Dialect) StringType() string {
	if d.bigQuery() {
		return columnTypes["string"][1]
	}
	return columnTypes["string"][0]
}

// columnType maps a portable column kind to the dialect's type name.
func (d Dialect) columnType(kind string) (string, error) {
	names, ok := columnTypes[kind]
	if !ok {
		return "", fmt.Errorf("unknown column kind %q", kind)
	}
	if d.bigQuery() {
		return names[1], nil
	}
	return names[0], nil
}

// decimal returns a fixed-point type. BigQuery's NUMERIC keeps only 9
// fractional digits, so BIGNUMERIC stands in for it.
func (d Dialect) decimal(precision, scale int) (string, error) {
	if precision < 1 || precision > 38 || scale < 0 || scale > precision {
		return "", fmt.Errorf("invalid decimal precision %d and scale %d", precision, scale)
	}
	if d.bigQuery() {
		return fmt.Sprintf("BIGNUMERIC(%d,%d)", precision, scale), nil
	}
	return fmt.Sprintf("DECIMAL(%d,%d)", precision, scale), nil
}

// partitionClause returns the BigQuery partitioning and clustering of a
// fact table. DuckDB has neither, so it returns an empty string there.
func (d Dialect) partitionClause(dateColumn, clusterColumn string) string {
	if !d.bigQuery() {
		return ""
	}
	return "\nPARTITION BY " + dateColumn + "\nCLUSTER BY " + clusterColumn
}

// dateTrunc truncates a timestamp to the start of its unit (day, month,
// quarter or year) and returns a TIMESTAMP. BigQuery truncates in UTC.
func (d Dialect) dateTrunc(unit, expr string) (string, error) {
	switch unit {
	case "day", "month", "quarter", "year":
	default:
		return "", fmt.Errorf("unknown date unit %q", unit)
	}
	if d.bigQuery() {
		return fmt.Sprintf("TIMESTAMP_TRUNC(%s, %s)", expr, strings.ToUpper(unit)), nil
	}
	return fmt.Sprintf("CAST(date_trunc('%s', %s) AS TIMESTAMP)", unit, expr), nil
}

// localTime converts a UTC timestamp to the wall-clock time of an IANA
// zone, returned as a timestamp without a zone, so that date_trunc and
// comparisons with the bounds of periods count local months and quarters.
// A NULL zone counts as UTC. DuckDB 1.5 returns a TIMESTAMP for a
// TIMESTAMPTZ AT TIME ZONE a zone. BigQuery's DATETIME holds the wall clock,
// and TIMESTAMP() labels it UTC again, so it compares with TIMESTAMP bounds.
func (d Dialect) localTime(expr, zone string) string {
	if d.bigQuery() {
		return fmt.Sprintf("TIMESTAMP(DATETIME(TIMESTAMP(%s), COALESCE(%s, 'UTC')))", expr, zone)
	}
	return fmt.Sprintf("((%s AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(%s, 'UTC'))", expr, zone)
}

// addMonths adds a whole number of months to a timestamp. BigQuery's
// TIMESTAMP_ADD stops at days, so the sum goes through DATETIME.
func (d Dialect) addMonths(expr, months string) string {
	if d.bigQuery() {
		return fmt.Sprintf("TIMESTAMP(DATETIME_ADD(DATETIME(%s), INTERVAL (%s) MONTH))", expr, months)
	}
	return fmt.Sprintf("(%s + to_months(CAST((%s) AS INTEGER)))", expr, months)
}

// addDays adds a whole number of days to a timestamp.
func (d Dialect) addDays(expr, days string) string {
	if d.bigQuery() {
		return fmt.Sprintf("TIMESTAMP_ADD(%s, INTERVAL (%s) DAY)", expr, days)
	}
	return fmt.Sprintf("(%s + to_days(CAST((%s) AS INTEGER)))", expr, days)
}

// dateStart returns the first instant of a DATE as a TIMESTAMP.
func (d Dialect) dateStart(expr string) string {
	if d.bigQuery() {
		return fmt.Sprintf("TIMESTAMP(%s)", expr)
	}
	return fmt.Sprintf("CAST(%s AS TIMESTAMP)", expr)
}

// utcDate returns the UTC date of a timestamp.
func (d Dialect) utcDate(expr string) string {
	if d.bigQuery() {
		return fmt.Sprintf("DATE(%s)", expr)
	}
	return fmt.Sprintf("CAST(%s AS DATE)", expr)
}

// nearQuarterStart returns a condition that is TRUE when the DATE expr is
// the last day of a quarter or the first day of one, and also when expr
// is NULL. A local date is at most one day from the UTC date of the same
// instant, because no time zone is 24 hours or more from UTC. So a fact
// whose UTC date is not near a quarter start has that date's quarter in
// every time zone.
func (d Dialect) nearQuarterStart(expr string) (string, error) {
	before, err := d.dateTrunc("quarter", d.addDays(d.dateStart(expr), "-1"))
	if err != nil {
		return "", err
	}
	after, err := d.dateTrunc("quarter", d.addDays(d.dateStart(expr), "1"))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("(%s IS NULL OR %s <> %s)", expr, before, after), nil
}

// dtNearPeriod returns the condition that the partition date dt, the UTC
// date of a fact's time, lies within one day of the local period
// start..end. Every fact whose local time is in the period meets it,
// because no time zone is 24 hours or more from UTC. Added to a join with
// periods, it lets DuckDB skip the partitions far from the periods joined:
// DuckDB 1.5 pushes the range of the joined dates into the scan of dt.
func (d Dialect) dtNearPeriod(dt, start, end string) string {
	if d.bigQuery() {
		return fmt.Sprintf("%s >= DATE_SUB(DATE(%s), INTERVAL 1 DAY) AND %s <= DATE_ADD(DATE(%s), INTERVAL 1 DAY)",
			dt, start, dt, end)
	}
	return fmt.Sprintf("%s >= CAST(%s AS DATE) - 1 AND %s <= CAST(%s AS DATE) + 1", dt, start, dt, end)
}

// monthLabel formats a timestamp as its month, such as 2026-07.
func (d Dialect) monthLabel(expr string) string {
	if d.bigQuery() {
		return fmt.Sprintf("FORMAT_TIMESTAMP('%%Y-%%m', %s)", expr)
	}
	return fmt.Sprintf("strftime(%s, '%%Y-%%m')", expr)
}

// quarterLabel formats a timestamp as its quarter, such as 2026-Q3.
func (d Dialect) quarterLabel(expr string) string {
	if d.bigQuery() {
		return fmt.Sprintf("FORMAT_TIMESTAMP('%%Y-Q%%Q', %s)", expr)
	}
	return fmt.Sprintf("(strftime(%s, '%%Y') || '-Q' || CAST(quarter(%s) AS VARCHAR))", expr, expr)
}

// dateDiffSeconds returns end − start in seconds, with microseconds kept
// as the fraction.
func (d Dialect) dateDiffSeconds(start, end string) string {
	if d.bigQuery() {
		return fmt.Sprintf("(TIMESTAMP_DIFF(%s, %s, MICROSECOND) / 1000000)", end, start)
	}
	return fmt.Sprintf("(CAST(epoch_us(%s) - epoch_us(%s) AS DOUBLE) / 1000000)", end, start)
}

// safeDivide divides as floating point and returns NULL for a zero or NULL
// denominator.
func (d Dialect) safeDivide(numerator, denominator string) string {
	if d.bigQuery() {
		return fmt.Sprintf("SAFE_DIVIDE(%s, %s)", numerator, denominator)
	}
	return fmt.Sprintf("(CAST((%s) AS DOUBLE) / NULLIF((%s), 0))", numerator, denominator)
}

// medianOver returns the exact median of expr over a window partition,
// interpolating between the two middle values of an even count. Wrap it
// in an aggregate such as MAX to get one value per group.
func (d Dialect) medianOver(expr, partition string) string {
	if d.bigQuery() {
		return fmt.Sprintf("PERCENTILE_CONT(%s, 0.5) OVER (PARTITION BY %s)", expr, partition)
	}
	return fmt.Sprintf("median(%s) OVER (PARTITION BY %s)", expr, partition)
}
