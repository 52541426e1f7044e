package run

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/parquet/file"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
)

// InputSchema is the columns that the CSV or Parquet input files of one
// source provided, in the union of all its files of a run.
type InputSchema struct {
	Columns []InputColumn `json:"columns"`
}

// InputColumn is one input column. Type is the Parquet logical type, or
// the physical type where there is none; CSV columns have no type.
type InputColumn struct {
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// checkInputSchemas records the columns of every CSV and Parquet source
// and fails, before anything is written, when a source lost a mapped
// column or a Parquet column changed type since the previous successful
// run. Added columns are accepted. It opens the warehouse first, which
// compares the warehouse tables with this version's: DuckDB's columns in
// information_schema.columns, BigQuery's in the table metadata.
func (r *runner) checkInputSchemas(ctx context.Context) error {
	r.manifest.InputSchemas = map[string]*InputSchema{}
	files := r.inputFiles()
	for _, src := range r.cfg.Sources {
		if extract.MappedColumns(src) == nil {
			continue
		}
		schema, err := readInputSchema(ctx, src, files[src.Name])
		if err != nil {
			return stepErr("contract", ErrInput, err)
		}
		r.manifest.InputSchemas[src.Name] = schema
	}
	if err := r.openWarehouse(ctx); err != nil {
		return err
	}
	prevID, prev, err := previousSchemas(ctx, r.store, r.store.Dialect())
	if err != nil {
		return stepErr("contract", ErrWarehouse, err)
	}
	for _, src := range r.cfg.Sources {
		old, cur := prev[src.Name], r.manifest.InputSchemas[src.Name]
		if old == nil || cur == nil {
			continue
		}
		if err := compareSchemas(src, prevID, old, cur); err != nil {
			return stepErr("contract", ErrInput, err)
		}
	}
	return nil
}

// compareSchemas fails when a fact column that the previous run read from
// one of its mapped input columns finds none of them now, or when such a
// column changed type.
func compareSchemas(src config.Source, prevID string, old, cur *InputSchema) error {
	oldTypes, curTypes := old.types(), cur.types()
	for fact, names := range extract.MappedColumns(src) {
		had, has := "", ""
		for _, n := range names {
			if _, ok := oldTypes[n]; ok && had == "" {
				had = n
			}
			if _, ok := curTypes[n]; ok && has == "" {
				has = n
			}
		}
		if had != "" && has == "" {
			return fmt.Errorf("source %s: input column %s (type %s, read into %s) is missing; run %s had it",
				src.Name, had, typeText(oldTypes[had]), fact, prevID)
		}
		if had != "" && had == has && oldTypes[had] != curTypes[has] {
			return fmt.Errorf("source %s: input column %s changed type from %s to %s since run %s",
				src.Name, had, typeText(oldTypes[had]), typeText(curTypes[has]), prevID)
		}
	}
	return nil
}

func typeText(t string) string {
	if t == "" {
		return "text (CSV)"
	}
	return t
}

func (s *InputSchema) types() map[string]string {
	out := map[string]string{}
	for _, c := range s.Columns {
		out[c.Name] = c.Type
	}
	return out
}

// readInputSchema returns the union of the columns of files; the first
// file that has a column sets its type.
func readInputSchema(ctx context.Context, src config.Source, files []string) (*InputSchema, error) {
	seen := map[string]string{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cols, err := fileColumns(src, f)
		if err != nil {
			return nil, fmt.Errorf("source %s: read the columns of %s: %w", src.Name, f, err)
		}
		for _, c := range cols {
			if _, ok := seen[c.Name]; !ok {
				seen[c.Name] = c.Type
			}
		}
	}
	schema := &InputSchema{}
	for name, typ := range seen {
		schema.Columns = append(schema.Columns, InputColumn{Name: name, Type: typ})
	}
	sort.Slice(schema.Columns, func(i, j int) bool { return schema.Columns[i].Name < schema.Columns[j].Name })
	return schema, nil
}

func fileColumns(src config.Source, path string) ([]InputColumn, error) {
	if strings.EqualFold(strings.TrimPrefix(extOf(path), "."), "parquet") {
		return parquetColumns(path)
	}
	return csvColumns(src, path)
}

func extOf(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i:]
	}
	return ""
}

func csvColumns(src config.Source, path string) ([]InputColumn, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	if d := src.CSV.Delimiter; d != "" {
		r.Comma = rune(d[0])
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read the header: %w", err)
	}
	out := make([]InputColumn, len(header))
	for i, h := range header {
		out[i] = InputColumn{Name: strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))}
	}
	return out, nil
}

// parquetColumns reads the leaf columns of a Parquet file's footer.
func parquetColumns(path string) (cols []InputColumn, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("invalid Parquet file: %v", p)
		}
	}()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, err
	}
	defer rdr.Close()
	schema := rdr.MetaData().Schema
	for i := 0; i < schema.NumColumns(); i++ {
		c := schema.Column(i)
		typ := c.PhysicalType().String()
		if lt := c.LogicalType(); lt != nil && lt.IsValid() && !lt.IsNone() {
			typ = lt.String()
		}
		cols = append(cols, InputColumn{Name: c.Path(), Type: typ})
	}
	return cols, nil
}

// previousRunsSearched is how many of the latest successful runs
// previousSchemas looks through for recorded input schemas.
const previousRunsSearched = 20

// previousSchemas returns the input schemas of the latest successful run
// that recorded any, among the latest previousRunsSearched, reading the
// runs table with queries in dialect d.
func previousSchemas(ctx context.Context, q warehouse.Querier, d evsql.Dialect) (string, map[string]*InputSchema, error) {
	runs, err := d.Table("runs")
	if err != nil {
		return "", nil, err
	}
	if d.Name == evsql.BigQueryName {
		// On-demand BigQuery bills every byte of each column a query
		// reads, whatever its filter or LIMIT, so one query job reads
		// all the manifests.
		return firstSchemas(ctx, q, fmt.Sprintf(`SELECT run_id, manifest FROM %s WHERE status = 'succeeded'
		ORDER BY finished_at DESC LIMIT %d`, runs, previousRunsSearched), nil)
	}
	// A manifest lists every fact partition on disk, so DuckDB fetches
	// one manifest at a time, newest first, and stops at the first that
	// has schemas.
	rowIDs, err := latestRunRows(ctx, q, runs)
	if err != nil {
		return "", nil, err
	}
	for _, rowID := range rowIDs {
		query := fmt.Sprintf("SELECT run_id, manifest FROM %s WHERE rowid = ?", runs)
		id, schemas, err := firstSchemas(ctx, q, query, []any{rowID})
		if err != nil || schemas != nil {
			return id, schemas, err
		}
	}
	return "", nil, nil
}

// latestRunRows returns the DuckDB row ids of the latest successful runs,
// newest first.
func latestRunRows(ctx context.Context, q warehouse.Querier, runs string) ([]int64, error) {
	rows, err := q.Query(ctx, fmt.Sprintf(`SELECT rowid FROM %s WHERE status = 'succeeded'
		ORDER BY finished_at DESC LIMIT %d`, runs, previousRunsSearched))
	if err != nil {
		return nil, fmt.Errorf("read previous runs: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read previous runs: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read previous runs: %w", err)
	}
	return ids, nil
}

// firstSchemas runs a query that returns run ids and manifests and
// returns the id and the input schemas of the first manifest that has
// any, or no schemas when none has.
func firstSchemas(ctx context.Context, q warehouse.Querier, query string, args []any) (string, map[string]*InputSchema, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return "", nil, fmt.Errorf("read previous runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			return "", nil, fmt.Errorf("read previous runs: %w", err)
		}
		// Only the schemas are decoded, not the partition lists.
		var m struct {
			InputSchemas map[string]*InputSchema `json:"input_schemas"`
		}
		if err := json.Unmarshal([]byte(text), &m); err != nil {
			return "", nil, fmt.Errorf("decode the manifest of run %s: %w", id, err)
		}
		if len(m.InputSchemas) > 0 {
			return id, m.InputSchemas, nil
		}
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("read previous runs: %w", err)
	}
	return "", nil, nil
}
