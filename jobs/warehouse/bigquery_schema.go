package warehouse

import (
	"fmt"
	"strings"

	"cloud.google.com/go/bigquery"
	"github.com/apache/arrow-go/v18/arrow"

	evsql "evidencepack/sql"
	"evidencepack/transforms"
)

// Dimension tables and the runs table, which BigQuery keeps unpartitioned.
const (
	tableAccounts     = "accounts"
	tableWorkflows    = "account_workflows"
	tablePackSettings = "pack_settings"
	tableRuns         = "runs"
)

// maxColumnName is BigQuery's limit on the length of a column name.
const maxColumnName = 300

// reservedPrefixes start column names that BigQuery rejects.
var reservedPrefixes = []string{"_table_", "_file_", "_partition", "_row_timestamp", "__root__", "_colidentifier"}

// ColumnName maps a column name to a valid BigQuery column name: every
// character other than an ASCII letter, digit or underscore becomes an
// underscore, a name that starts with a digit gets a leading underscore,
// and the result is cut to 300 characters. Names are compared without
// case, as BigQuery does. A name with a reserved prefix such as _TABLE_
// is an error.
func ColumnName(name string) (string, error) {
	var b strings.Builder
	for _, r := range name {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || (out[0] >= '0' && out[0] <= '9') {
		out = "_" + out
	}
	if len(out) > maxColumnName {
		out = out[:maxColumnName]
	}
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(strings.ToLower(out), p) {
			return "", fmt.Errorf("column %q: BigQuery reserves the prefix %s", name, strings.ToUpper(p))
		}
	}
	return out, nil
}

// CheckColumnNames maps the columns of a table and fails when two of them
// map to one BigQuery name. A name the mapping changes is an error too,
// because the Parquet files carry the original name and BigQuery matches
// Parquet columns to table columns by name.
func CheckColumnNames(table string, names []string) error {
	seen := map[string]string{}
	for _, n := range names {
		mapped, err := ColumnName(n)
		if err != nil {
			return fmt.Errorf("table %s: %w", table, err)
		}
		if mapped != n {
			return fmt.Errorf("table %s: column %q is not a valid BigQuery name (it would be %q); rename it in transforms", table, n, mapped)
		}
		key := strings.ToLower(mapped)
		if other, ok := seen[key]; ok {
			return fmt.Errorf("table %s: columns %q and %q map to one BigQuery column %q", table, other, n, mapped)
		}
		seen[key] = n
	}
	return nil
}

// FactSchema returns the BigQuery schema of a fact table, from its Arrow
// schema and the column meanings in the SQL header comment.
func FactSchema(table string) (bigquery.Schema, error) {
	as, err := transforms.SchemaOf(table)
	if err != nil {
		return nil, err
	}
	return arrowToBigQuery(table, as)
}

func arrowToBigQuery(table string, as *arrow.Schema) (bigquery.Schema, error) {
	names := make([]string, as.NumFields())
	for i, f := range as.Fields() {
		names[i] = f.Name
	}
	if err := CheckColumnNames(table, names); err != nil {
		return nil, err
	}
	desc, err := evsql.TableColumnDescriptions(table)
	if err != nil {
		return nil, err
	}
	out := make(bigquery.Schema, 0, as.NumFields())
	for _, f := range as.Fields() {
		fs, err := arrowField(f)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", table, err)
		}
		fs.Description = desc[f.Name]
		out = append(out, fs)
	}
	return out, nil
}

// arrowField maps one Arrow field. Money is BIGNUMERIC because NUMERIC
// keeps only 9 fractional digits; a non-nullable field is REQUIRED.
func arrowField(f arrow.Field) (*bigquery.FieldSchema, error) {
	fs := &bigquery.FieldSchema{Name: f.Name, Required: !f.Nullable}
	switch t := f.Type.(type) {
	case *arrow.StringType:
		fs.Type = bigquery.StringFieldType
	case *arrow.TimestampType:
		fs.Type = bigquery.TimestampFieldType
	case *arrow.Date32Type:
		fs.Type = bigquery.DateFieldType
	case *arrow.Float64Type:
		fs.Type = bigquery.FloatFieldType
	case *arrow.Int64Type, *arrow.Int32Type:
		fs.Type = bigquery.IntegerFieldType
	case *arrow.BooleanType:
		fs.Type = bigquery.BooleanFieldType
	case *arrow.Decimal128Type:
		fs.Type = bigquery.BigNumericFieldType
		fs.Precision, fs.Scale = int64(t.Precision), int64(t.Scale)
	default:
		return nil, fmt.Errorf("column %s: no BigQuery type for Arrow type %s", f.Name, f.Type)
	}
	return fs, nil
}

// dimensionSchema returns the schema of a dimension or the runs table.
func dimensionSchema(table string) (bigquery.Schema, error) {
	cols, ok := dimensionColumns[table]
	if !ok {
		return nil, fmt.Errorf("no BigQuery schema for table %q", table)
	}
	desc := runsDescriptions
	if table != tableRuns {
		var err error
		if desc, err = evsql.TableColumnDescriptions(table); err != nil {
			return nil, err
		}
	}
	out := make(bigquery.Schema, len(cols))
	for i, c := range cols {
		out[i] = &bigquery.FieldSchema{Name: c.name, Type: c.typ, Description: desc[c.name]}
		if c.typ == bigquery.BigNumericFieldType {
			out[i].Precision, out[i].Scale = transforms.MoneyPrecision, transforms.MoneyScale
		}
	}
	return out, nil
}

type dimensionColumn struct {
	name string
	typ  bigquery.FieldType
}

var dimensionColumns = map[string][]dimensionColumn{
	tableAccounts: {{"account_id", bigquery.StringFieldType}, {"name", bigquery.StringFieldType},
		{"currency", bigquery.StringFieldType}, {"renewal_date", bigquery.DateFieldType},
		{"annual_contract_value", bigquery.BigNumericFieldType}, {"learning_permitted", bigquery.BooleanFieldType},
		{"time_zone", bigquery.StringFieldType}},
	tableWorkflows: {{"account_id", bigquery.StringFieldType}, {"workflow", bigquery.StringFieldType},
		{"baseline_handle_time_seconds", bigquery.FloatFieldType}, {"baseline_reopen_rate", bigquery.FloatFieldType},
		{"hourly_cost_rate", bigquery.BigNumericFieldType}, {"autonomy_level", bigquery.StringFieldType},
		{"trial", bigquery.BooleanFieldType}},
	tablePackSettings: {{"verification_window_days", bigquery.IntegerFieldType},
		{"data_through", bigquery.TimestampFieldType}, {"min_reviewed_cases", bigquery.IntegerFieldType},
		{"min_review_accuracy", bigquery.FloatFieldType}, {"max_sev1_incidents", bigquery.IntegerFieldType},
		{"max_incidents", bigquery.IntegerFieldType}, {"min_usage_growth", bigquery.FloatFieldType}},
	tableRuns: {{"run_id", bigquery.StringFieldType}, {"started_at", bigquery.TimestampFieldType},
		{"finished_at", bigquery.TimestampFieldType}, {"status", bigquery.StringFieldType},
		{"failed_step", bigquery.StringFieldType}, {"error", bigquery.StringFieldType},
		{"date_from", bigquery.DateFieldType}, {"date_to", bigquery.DateFieldType},
		{"config_sha256", bigquery.StringFieldType}, {"inputs_sha256", bigquery.StringFieldType},
		{"views_sha256", bigquery.StringFieldType}, {"manifest", bigquery.StringFieldType}},
}

var runsDescriptions = map[string]string{
	"run_id":        "id of the run, derived from its config, window, inputs and views",
	"started_at":    "when the run started, UTC",
	"finished_at":   "when the run finished, UTC",
	"status":        "succeeded or failed",
	"failed_step":   "step that failed, for a failed run",
	"error":         "error of a failed run",
	"date_from":     "first logical date of the window",
	"date_to":       "last logical date of the window",
	"config_sha256": "SHA-256 of the config file",
	"inputs_sha256": "SHA-256 over the input files",
	"views_sha256":  "SHA-256 of the view SQL",
	"manifest":      "the run manifest as JSON",
}
