package warehouse

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"

	evsql "evidencepack/sql"
)

// Tables that the check step of a run writes.
const (
	tableCheckResults    = "check_results"
	tableSourceFreshness = "source_freshness"
)

// checkColumns are the columns of the check step's tables, in the order
// and with the types of their definitions under sql/tables.
var checkColumns = map[string][]dimensionColumn{
	tableCheckResults: {{"run_id", bigquery.StringFieldType}, {"check_name", bigquery.StringFieldType},
		{"table_name", bigquery.StringFieldType}, {"kind", bigquery.StringFieldType},
		{"severity", bigquery.StringFieldType}, {"status", bigquery.StringFieldType},
		{"failing_count", bigquery.IntegerFieldType}, {"sample", bigquery.StringFieldType},
		{"sql", bigquery.StringFieldType}, {"message", bigquery.StringFieldType}},
	tableSourceFreshness: {{"source", bigquery.StringFieldType}, {"table_name", bigquery.StringFieldType},
		{"newest_at", bigquery.TimestampFieldType}, {"window_end", bigquery.TimestampFieldType},
		{"age_seconds", bigquery.FloatFieldType}, {"status", bigquery.StringFieldType},
		{"severity", bigquery.StringFieldType}, {"note", bigquery.StringFieldType}},
}

// checkTableSpecs returns the unpartitioned tables check_results and
// source_freshness, with the column descriptions of their SQL header
// comments.
func checkTableSpecs() ([]tableSpec, error) {
	var specs []tableSpec
	for _, table := range []string{tableCheckResults, tableSourceFreshness} {
		desc, err := evsql.TableColumnDescriptions(table)
		if err != nil {
			return nil, err
		}
		cols := checkColumns[table]
		schema := make(bigquery.Schema, len(cols))
		for i, c := range cols {
			schema[i] = &bigquery.FieldSchema{Name: c.name, Type: c.typ, Description: desc[c.name]}
		}
		specs = append(specs, tableSpec{name: table, schema: schema})
	}
	return specs, nil
}

// CheckResultRow is one row of check_results.
type CheckResultRow struct {
	RunID, CheckName, TableName, Kind, Severity, Status string
	FailingCount                                        int64
	// Sample is a JSON array of failing rows; empty stores NULL.
	Sample string
	SQL    string
	// Message is empty, which stores NULL, unless the failure is not a
	// count of rows.
	Message string
}

// FreshnessRow is one row of source_freshness.
type FreshnessRow struct {
	Source, TableName string
	// NewestAt is nil when the source has no fact up to the window end.
	NewestAt   *time.Time
	WindowEnd  time.Time
	AgeSeconds float64
	Status     string
	// Severity and Note are empty, which stores NULL, for a source that
	// passed.
	Severity, Note string
}

// RecordChecks stores the outcome of a run's check step. A JSON load job
// appends results to check_results, after a DML DELETE of the rows that
// an earlier attempt of runID left, if a count finds any. A second JSON
// load job replaces every source_freshness row with fresh by truncating
// the table. When fresh is empty, a DML DELETE clears the table if it has
// rows. Every DML statement and load job counts toward BigQuery's daily
// limit of modifications per table, so none is sent without a change.
// startedAt, the start of the run attempt, goes into the load job ids, so
// a repeated run of the same id loads its rows again instead of attaching
// to the earlier job.
//
// NOTE: the DELETE and the append are two jobs, so a repeated run stopped
// between them leaves no check_results rows for runID until it runs again.
func (w *BigQuery) RecordChecks(ctx context.Context, runID string, startedAt time.Time,
	results []CheckResultRow, fresh []FreshnessRow) error {
	suffix := strconv.FormatInt(startedAt.UnixMicro(), 10)
	checkResults, err := w.Dialect().Table(tableCheckResults)
	if err != nil {
		return err
	}
	if err := w.deleteRows(ctx, checkResults, "run_id = ?", runID); err != nil {
		return fmt.Errorf("clear the check_results rows of run %s: %w", runID, err)
	}
	if len(results) > 0 {
		rows := make([]map[string]any, len(results))
		for i, r := range results {
			rows[i] = map[string]any{
				"run_id": r.RunID, "check_name": r.CheckName, "table_name": r.TableName, "kind": r.Kind,
				"severity": r.Severity, "status": r.Status, "failing_count": r.FailingCount,
				"sample": nullIfEmpty(r.Sample), "sql": r.SQL, "message": nullIfEmpty(r.Message),
			}
		}
		id := "ep_" + runID + "_" + tableCheckResults + "_" + suffix
		if err := w.loadJSON(ctx, id, tableCheckResults, bigquery.WriteAppend, rows); err != nil {
			return fmt.Errorf("append the check_results rows of run %s: %w", runID, err)
		}
	}
	return w.replaceFreshness(ctx, "ep_"+runID+"_"+tableSourceFreshness+"_"+suffix, fresh)
}

// replaceFreshness replaces every source_freshness row with fresh.
func (w *BigQuery) replaceFreshness(ctx context.Context, jobID string, fresh []FreshnessRow) error {
	if len(fresh) == 0 {
		table, err := w.Dialect().Table(tableSourceFreshness)
		if err != nil {
			return err
		}
		if err := w.deleteRows(ctx, table, "TRUE"); err != nil {
			return fmt.Errorf("clear source_freshness: %w", err)
		}
		return nil
	}
	rows := make([]map[string]any, len(fresh))
	for i, f := range fresh {
		var newest any
		if f.NewestAt != nil {
			newest = timestampText(*f.NewestAt)
		}
		rows[i] = map[string]any{
			"source": f.Source, "table_name": f.TableName, "newest_at": newest,
			"window_end": timestampText(f.WindowEnd), "age_seconds": f.AgeSeconds, "status": f.Status,
			"severity": nullIfEmpty(f.Severity), "note": nullIfEmpty(f.Note),
		}
	}
	if err := w.loadJSON(ctx, jobID, tableSourceFreshness, bigquery.WriteTruncate, rows); err != nil {
		return fmt.Errorf("replace source_freshness: %w", err)
	}
	return nil
}

// deleteRows deletes the rows of table, a qualified name, that match the
// condition where, with each ? bound to the next argument. It counts them
// first and sends the DELETE only when there are any.
func (w *BigQuery) deleteRows(ctx context.Context, table, where string, args ...any) error {
	var n int64
	if err := QueryRow(ctx, w, "SELECT COUNT(*) FROM "+table+" WHERE "+where, args, &n); err != nil {
		return fmt.Errorf("count the rows to delete: %w", err)
	}
	if n == 0 {
		return nil
	}
	return w.execDML(ctx, "DELETE FROM "+table+" WHERE "+where, args...)
}

// execDML runs a DML statement as a query job, with each ? bound to the
// next argument as a positional parameter, and waits for it.
func (w *BigQuery) execDML(ctx context.Context, query string, args ...any) error {
	q := w.client.Query(query)
	q.Location = w.cfg.Location
	for _, a := range args {
		q.Parameters = append(q.Parameters, bigquery.QueryParameter{Value: a})
	}
	job, err := q.Run(ctx)
	if err != nil {
		return fmt.Errorf("start query job: %w", err)
	}
	return waitJob(ctx, job)
}

// Columns returns the column names of the result. BigQuery sends the
// schema with the first page of rows, so the names are known once Next
// has returned true.
func (r *bigQueryRows) Columns() ([]string, error) {
	if r.it.Schema == nil {
		return nil, errors.New("the column names of a BigQuery result are known only after its first row")
	}
	names := make([]string, len(r.it.Schema))
	for i, f := range r.it.Schema {
		names[i] = f.Name
	}
	return names, nil
}

// DriftError lists how existing BigQuery tables differ from this
// version's schemas in ways that a run cannot fix by adding a column. It
// wraps ErrMigrationNeeded, so a run stops with the invalid config exit
// code before it writes anything.
type DriftError struct {
	// Problems has one sentence per difference, naming the table.
	Problems []string
}

// Error lists the differences and what to do about them.
func (e *DriftError) Error() string {
	return strings.Join(e.Problems, "; ") +
		"; alter the table in BigQuery to match, since evidencepack does not migrate BigQuery tables"
}

// Unwrap returns ErrMigrationNeeded.
func (e *DriftError) Unwrap() error { return ErrMigrationNeeded }

// tableDrift compares an existing table's metadata with its spec. Missing
// columns are no drift, because EnsureTables adds them, and neither is an
// extra NULLABLE column, which loads leave NULL. Column names are
// compared without case, as BigQuery does.
func tableDrift(s tableSpec, md *bigquery.TableMetadata) []string {
	var out []string
	if md.Type != "" && md.Type != bigquery.RegularTable {
		out = append(out, fmt.Sprintf("table %s is a %s in BigQuery, not a table", s.name, md.Type))
	}
	want := map[string]*bigquery.FieldSchema{}
	for _, f := range s.schema {
		want[strings.ToLower(f.Name)] = f
	}
	for _, got := range md.Schema {
		f, ok := want[strings.ToLower(got.Name)]
		switch {
		case !ok && got.Required:
			out = append(out, fmt.Sprintf(
				"table %s: column %s (%s) is in BigQuery but not in this version, and loads cannot fill it",
				s.name, got.Name, fieldText(got)))
		case ok && fieldDiffers(got, f):
			out = append(out, fmt.Sprintf("table %s: column %s is %s in BigQuery but %s in this version",
				s.name, got.Name, fieldText(got), fieldText(f)))
		}
	}
	if s.fact {
		tp := md.TimePartitioning
		if tp == nil || tp.Field != "dt" || (tp.Type != "" && tp.Type != bigquery.DayPartitioningType) {
			out = append(out, fmt.Sprintf(
				"table %s is not partitioned by day on dt in BigQuery, so loads into its $YYYYMMDD partitions fail",
				s.name))
		}
	}
	return out
}

// fieldDiffers reports a column that cannot take the values of want: a
// different type, a repeated column, REQUIRED where NULLs are loaded, or
// a decimal with fewer integer or fractional digits. NULLABLE where
// REQUIRED is expected is fine, because BigQuery adds no REQUIRED column
// to an existing table. A decimal column without precision and scale
// holds every value of this version.
func fieldDiffers(got, want *bigquery.FieldSchema) bool {
	if got.Type != want.Type || got.Repeated || (got.Required && !want.Required) {
		return true
	}
	if got.Precision == 0 && got.Scale == 0 {
		return false
	}
	return got.Scale < want.Scale || got.Precision-got.Scale < want.Precision-want.Scale
}

// fieldText writes a column's type and mode, such as BIGNUMERIC(38,18)
// REQUIRED.
func fieldText(f *bigquery.FieldSchema) string {
	t := string(f.Type)
	if f.Precision != 0 || f.Scale != 0 {
		t += fmt.Sprintf("(%d,%d)", f.Precision, f.Scale)
	}
	if f.Repeated {
		return t + " REPEATED"
	}
	return t + " " + mode(f.Required)
}
