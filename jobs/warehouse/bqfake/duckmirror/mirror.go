// Package duckmirror runs the queries that a bqfake server receives on an
// in-memory DuckDB copy of the rows that the server's tables contain. Tests
// use it to read back what a run loaded into the fake, such as the marks
// of source_state, the facts of a window or the totals of reconcile.
//
// The copy has the tables and views of the DuckDB warehouse (sql.Apply
// with the DuckDB dialect), the other tables of the dataset with the types
// of their BigQuery schema, and the rows of every load that bqfake.Loaded
// lists. A BigQuery query runs on it after its qualified table names are
// made bare, so views are DuckDB's rendering of the same templates.
package duckmirror

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	bq "google.golang.org/api/bigquery/v2"

	"evidencepack/jobs/warehouse/bqfake"
	evsql "evidencepack/sql"
)

// Mirror is the DuckDB copy of one dataset of a fake. It is rebuilt when
// the loads of the dataset change.
type Mirror struct {
	srv              *bqfake.Server
	project, dataset string
	dir              string

	mu       sync.Mutex
	db       *sql.DB
	loadsKey string // job ids of the loads that db contains
	builds   int
}

// New returns a mirror of dataset in srv. Close it when done.
func New(srv *bqfake.Server, project, dataset string) (*Mirror, error) {
	dir, err := os.MkdirTemp("", "duckmirror-*")
	if err != nil {
		return nil, err
	}
	return &Mirror{srv: srv, project: project, dataset: dataset, dir: dir}, nil
}

// Close closes the database and removes its files.
func (m *Mirror) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var err error
	if m.db != nil {
		err = m.db.Close()
	}
	if rerr := os.RemoveAll(m.dir); err == nil {
		err = rerr
	}
	return err
}

// DB returns the copy with the rows that the fake's tables contain now.
// The handle stays valid until the loads change or the mirror is closed.
func (m *Mirror) DB() (*sql.DB, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.current()
}

// Builds returns how often the copy was built, for tests of the mirror.
func (m *Mirror) Builds() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.builds
}

// current rebuilds the copy when the loads changed. The caller holds m.mu.
func (m *Mirror) current() (*sql.DB, error) {
	tables := m.srv.TableNames(m.dataset)
	loads := map[string][]bqfake.Load{}
	var key strings.Builder
	for _, t := range tables {
		loads[t] = m.srv.Loaded(m.dataset, t)
		key.WriteString(t + ":")
		for _, l := range loads[t] {
			key.WriteString(l.JobID + ",")
		}
		key.WriteString(";")
	}
	if m.db != nil && key.String() == m.loadsKey {
		return m.db, nil
	}
	if m.db != nil {
		m.db.Close()
		m.db = nil
	}
	db, err := m.build(tables, loads)
	if err != nil {
		return nil, err
	}
	m.db, m.loadsKey = db, key.String()
	m.builds++
	return db, nil
}

func (m *Mirror) build(tables []string, loads map[string][]bqfake.Load) (*sql.DB, error) {
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	fail := func(err error) (*sql.DB, error) {
		db.Close()
		return nil, err
	}
	if _, err := db.ExecContext(ctx, "SET TimeZone = 'UTC'"); err != nil {
		return fail(err)
	}
	if err := evsql.Apply(ctx, db, evsql.DuckDB()); err != nil {
		return fail(fmt.Errorf("create the warehouse tables and views: %w", err))
	}
	for _, t := range tables {
		if err := m.createTable(ctx, db, t); err != nil {
			return fail(err)
		}
		for i, l := range loads[t] {
			if err := m.insertLoad(ctx, db, t, i, l); err != nil {
				return fail(err)
			}
		}
	}
	return db, nil
}

// createTable creates a table that sql.Apply did not, with the DuckDB
// types of its BigQuery schema.
func (m *Mirror) createTable(ctx context.Context, db *sql.DB, table string) error {
	if _, err := columnTypes(ctx, db, table); err == nil {
		return nil
	}
	t := m.srv.Table(m.dataset, table)
	if t == nil || t.Schema == nil || len(t.Schema.Fields) == 0 {
		return fmt.Errorf("table %s has no schema in the fake", table)
	}
	var cols []string
	for _, f := range t.Schema.Fields {
		typ, err := duckType(f)
		if err != nil {
			return fmt.Errorf("table %s: %w", table, err)
		}
		cols = append(cols, quoteIdent(f.Name)+" "+typ)
	}
	_, err := db.ExecContext(ctx, "CREATE TABLE "+quoteIdent(table)+" ("+strings.Join(cols, ", ")+")")
	if err != nil {
		return fmt.Errorf("create table %s: %w", table, err)
	}
	return nil
}

// duckType maps a BigQuery column type to DuckDB's.
func duckType(f *bq.TableFieldSchema) (string, error) {
	switch f.Type {
	case "STRING":
		return "VARCHAR", nil
	case "INTEGER", "INT64":
		return "BIGINT", nil
	case "FLOAT", "FLOAT64":
		return "DOUBLE", nil
	case "BOOLEAN", "BOOL":
		return "BOOLEAN", nil
	case "TIMESTAMP":
		return "TIMESTAMP", nil
	case "DATE":
		return "DATE", nil
	case "NUMERIC", "BIGNUMERIC":
		return "DECIMAL(38,18)", nil
	}
	return "", fmt.Errorf("column %s: no DuckDB type for %s", f.Name, f.Type)
}

// columnTypes returns the columns of a table of db and their types, in
// order, and an error when the table does not exist.
func columnTypes(ctx context.Context, db *sql.DB, table string) ([][2]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no table %s", table)
	}
	return cols, nil
}

// insertLoad inserts the rows of one load by column name.
func (m *Mirror) insertLoad(ctx context.Context, db *sql.DB, table string, i int, l bqfake.Load) error {
	if l.Media == nil {
		return fmt.Errorf("load %s into %s reads Cloud Storage URIs %v, which the mirror cannot read", l.JobID, table, l.SourceURIs)
	}
	file := filepath.Join(m.dir, fmt.Sprintf("%s-%d-%d", table, m.builds, i))
	if err := os.WriteFile(file, l.Media, 0o600); err != nil {
		return err
	}
	defer os.Remove(file)
	var source string
	switch l.Format {
	case "PARQUET":
		source = fmt.Sprintf("read_parquet(%s, hive_partitioning = false)", quoteString(file))
	case "NEWLINE_DELIMITED_JSON":
		cols, err := columnTypes(ctx, db, table)
		if err != nil {
			return err
		}
		var spec []string
		for _, c := range cols {
			spec = append(spec, quoteString(c[0])+": "+quoteString(c[1]))
		}
		source = fmt.Sprintf("read_json(%s, format = 'newline_delimited', columns = {%s})",
			quoteString(file), strings.Join(spec, ", "))
	default:
		return fmt.Errorf("load %s into %s has source format %q, which the mirror does not read", l.JobID, table, l.Format)
	}
	query := "INSERT INTO " + quoteIdent(table) + " BY NAME SELECT * FROM " + source
	if _, err := db.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("insert load %s into %s: %w", l.JobID, table, err)
	}
	return nil
}

// backquoted matches a backquoted identifier or path.
var backquoted = regexp.MustCompile("`([^`]+)`")

// translate rewrites a BigQuery query for DuckDB: a table qualified with
// the mirrored project and dataset becomes its bare name, and any other
// backquoted identifier is double-quoted.
func (m *Mirror) translate(query string) string {
	prefix := m.project + "." + m.dataset + "."
	return backquoted.ReplaceAllStringFunc(query, func(s string) string {
		name := s[1 : len(s)-1]
		return quoteIdent(strings.TrimPrefix(name, prefix))
	})
}

// Query runs a BigQuery query on the copy with its positional parameters
// and returns the schema and rows in the form of bqfake's QueryResult
// hook: each value as the text that BigQuery's REST API sends.
func (m *Mirror) Query(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any, error) {
	if isDDL(query) {
		// The copy has DuckDB's views already, and a statement that
		// creates or drops an object returns no rows.
		return &bq.TableSchema{}, nil, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	db, err := m.current()
	if err != nil {
		return nil, nil, err
	}
	args, err := paramValues(params)
	if err != nil {
		return nil, nil, err
	}

	rows, err := db.Query(m.translate(query), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("run in DuckDB: %w", err)
	}
	defer rows.Close()

	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, nil, err
	}
	schema := &bq.TableSchema{}
	for _, t := range types {
		typ, err := bigQueryType(t.DatabaseTypeName())
		if err != nil {
			return nil, nil, fmt.Errorf("column %s: %w", t.Name(), err)
		}
		schema.Fields = append(schema.Fields, &bq.TableFieldSchema{Name: t.Name(), Type: typ})
	}

	var out [][]any
	for rows.Next() {
		values := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([]any, len(values))
		for i, v := range values {
			if row[i], err = restText(v, schema.Fields[i].Type); err != nil {
				return nil, nil, fmt.Errorf("column %s: %w", schema.Fields[i].Name, err)
			}
		}
		out = append(out, row)
	}
	return schema, out, rows.Err()
}

// isDDL reports whether the first statement keyword after the leading
// comment lines is CREATE, DROP or ALTER.
func isDDL(query string) bool {
	for _, line := range strings.Split(query, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "--") {
			continue
		}
		keyword, _, _ := strings.Cut(strings.ToUpper(line), " ")
		return keyword == "CREATE" || keyword == "DROP" || keyword == "ALTER"
	}
	return false
}

// paramValues returns the values of scalar query parameters. Every value
// is bound as its text, which DuckDB casts where the query casts it.
func paramValues(params []*bq.QueryParameter) ([]any, error) {
	args := make([]any, len(params))
	for i, p := range params {
		if p.ParameterType == nil || p.ParameterType.ArrayType != nil || p.ParameterValue == nil {
			return nil, fmt.Errorf("parameter %d is not a scalar value; the mirror binds scalar parameters only", i+1)
		}
		args[i] = p.ParameterValue.Value
		switch p.ParameterType.Type {
		case "INT64":
			n, err := strconv.ParseInt(p.ParameterValue.Value, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("parameter %d: %w", i+1, err)
			}
			args[i] = n
		case "BOOL":
			args[i] = p.ParameterValue.Value == "true"
		}
	}
	return args, nil
}

// bigQueryType maps a DuckDB result type to the BigQuery type that the
// client library decodes the value as.
func bigQueryType(duck string) (string, error) {
	switch {
	case duck == "VARCHAR":
		return "STRING", nil
	case duck == "BIGINT" || duck == "INTEGER" || duck == "SMALLINT" || duck == "TINYINT" || duck == "HUGEINT" ||
		duck == "UBIGINT" || duck == "UINTEGER":
		return "INTEGER", nil
	case duck == "DOUBLE" || duck == "FLOAT":
		return "FLOAT", nil
	case duck == "BOOLEAN":
		return "BOOLEAN", nil
	case strings.HasPrefix(duck, "TIMESTAMP"):
		return "TIMESTAMP", nil
	case duck == "DATE":
		return "DATE", nil
	case strings.HasPrefix(duck, "DECIMAL"):
		return "BIGNUMERIC", nil
	}
	return "", fmt.Errorf("no BigQuery type for DuckDB type %s", duck)
}

// restText formats a value as BigQuery's REST API sends it: a TIMESTAMP
// as microseconds since the epoch (the client asks for int64 timestamps),
// a DATE as YYYY-MM-DD and a number as its decimal text.
func restText(v any, typ string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		if typ == "DATE" {
			return x.UTC().Format(time.DateOnly), nil
		}
		return strconv.FormatInt(x.UnixMicro(), 10), nil
	case duckdb.Decimal:
		r := new(big.Rat).SetFrac(x.Value, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil))
		return r.FloatString(int(x.Scale)), nil
	case *big.Int:
		return x.String(), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32), nil
	case string, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return fmt.Sprint(x), nil
	}
	return nil, fmt.Errorf("no text form for %T", v)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
