package warehouse

import (
	"context"
	"fmt"

	"cloud.google.com/go/bigquery"
)

// tableSourceState holds the high-water marks of live sources.
const tableSourceState = "source_state"

// sourceStateSpec is the BigQuery source_state table. A run appends one
// row per mark, so the table keeps every mark stored and reads take the
// newest row of each source and key. Appending needs a load job, which
// replaces nothing and so cannot lose a mark that another run wrote.
func sourceStateSpec() tableSpec {
	field := func(name string, typ bigquery.FieldType, description string) *bigquery.FieldSchema {
		return &bigquery.FieldSchema{Name: name, Type: typ, Required: true, Description: description}
	}
	return tableSpec{name: tableSourceState, schema: bigquery.Schema{
		field("source", bigquery.StringFieldType, "name of the live source"),
		field("key", bigquery.StringFieldType, "name of the mark, such as cursor"),
		field("value", bigquery.StringFieldType, "the mark as text"),
		field("run_id", bigquery.StringFieldType, "run that read up to the mark"),
		field("updated_at", bigquery.TimestampFieldType, "when the run stored the mark, UTC"),
	}}
}

// ReadSourceState returns the newest mark of each key of a source, read by
// a query with the source bound as a parameter.
func (w *BigQuery) ReadSourceState(ctx context.Context, source string) (map[string]string, error) {
	return readSourceState(ctx, w, w.Dialect(), source)
}

// SourceStateJobID returns the id of the load job that appends a run's
// marks. It depends only on the run id, so a retried insert, or a second
// attempt of the same run, attaches to the job that already appended
// them instead of appending them twice.
func SourceStateJobID(runID string) string {
	return "ep_" + runID + "_" + tableSourceState
}

// writeSourceState appends the marks with one JSON load job, so they are
// stored together or not at all.
func (w *BigQuery) writeSourceState(ctx context.Context, runID string, marks []SourceMark) error {
	if len(marks) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(marks))
	for i, m := range marks {
		rows[i] = map[string]any{"source": m.Source, "key": m.Key, "value": m.Value,
			"run_id": runID, "updated_at": timestampText(m.UpdatedAt)}
	}
	if err := w.loadJSON(ctx, SourceStateJobID(runID), tableSourceState, bigquery.WriteAppend, rows); err != nil {
		return fmt.Errorf("store %d marks of live sources: %w", len(marks), err)
	}
	return nil
}
