package sources

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// postgresMark is the state key of the cursor column's high-water mark.
const postgresMark = "cursor"

// dateColumns is the fact column that gives each kind its partition date.
var dateColumns = map[string]string{
	"usage": "occurred_at", "labels": "labeled_at", "costs": "charge_period_start", "incidents": "opened_at",
}

// postgres reads a table or query in one REPEATABLE READ READ ONLY
// transaction and streams its rows through the jsonl record mapping.
//
// A run reads the rows dated in the window and, when a high-water mark is
// stored, every row of each date on which a row has a cursor at or above
// the mark minus the overlap. Those dates are read whole, so replacing
// their partitions keeps the rows that did not change. The collector then
// removes rows read twice by their fact key.
type postgres struct {
	src  config.Source
	dsn  string
	opts Options
}

func newPostgres(src config.Source, opts Options) (*postgres, error) {
	dsn := opts.Getenv(src.Location.DSNEnv)
	if dsn == "" {
		return nil, fmt.Errorf("source %s: environment variable %s is not set; export the PostgreSQL connection string in it",
			src.Name, src.Location.DSNEnv)
	}
	return &postgres{src: src, dsn: dsn, opts: opts}, nil
}

// Extract runs the query and maps each row.
func (p *postgres) Extract(ctx context.Context, sink transforms.Sink) (*Report, error) {
	cfg, err := pgx.ParseConfig(p.dsn)
	if err != nil {
		return nil, fmt.Errorf("source %s: invalid connection string in %s: %w", p.src.Name, p.src.Location.DSNEnv, err)
	}
	endpoint := fmt.Sprintf("postgres://%s:%d/%s %s", cfg.Host, cfg.Port, cfg.Database, p.relationName())
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("source %s: connect to %s: %w", p.src.Name, endpoint, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("source %s: begin transaction on %s: %w", p.src.Name, endpoint, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SET LOCAL TIME ZONE 'UTC'"); err != nil {
		return nil, fmt.Errorf("source %s: set time zone: %w", p.src.Name, err)
	}
	return p.read(ctx, tx, endpoint, sink)
}

func (p *postgres) relationName() string {
	if p.src.Location.Query != "" {
		return "(query)"
	}
	return p.src.Location.Table
}

func (p *postgres) read(ctx context.Context, tx pgx.Tx, endpoint string, sink transforms.Sink) (*Report, error) {
	since, err := p.since()
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, p.sql(), utcDay(p.opts.From), dayAfter(p.opts.To), since)
	if err != nil {
		return nil, fmt.Errorf("source %s: query %s: %w", p.src.Name, endpoint, err)
	}
	defer rows.Close()
	stream, err := extract.NewRecordStream(ctx, p.src, endpoint, sink)
	if err != nil {
		return nil, err
	}
	scan := &rowScan{cursor: p.src.Location.CursorColumn, hashed: newFetchHash(), stream: stream}
	if err := scan.all(ctx, rows); err != nil {
		return nil, fmt.Errorf("source %s: read %s: %w", p.src.Name, endpoint, err)
	}
	mark := laterMark(p.opts.State[postgresMark], scan.mark)
	fetch := Fetch{Source: p.src.Name, Endpoint: endpoint, Rows: stream.Records(), Bytes: scan.hashed.bytes,
		SHA256: scan.hashed.sum(), HighWaterMarks: map[string]string{"previous": p.opts.State[postgresMark], postgresMark: mark}}
	report := &Report{Records: stream.Records(), Fetches: []Fetch{fetch}, State: map[string]string{}}
	if mark != "" {
		report.State[postgresMark] = mark
	}
	return report, nil
}

// sql selects the window's dates ($1 to $2) and the dates of rows whose
// cursor is at or above $3, ordered so the same rows come in the same
// order.
func (p *postgres) sql() string {
	l := p.src.Location
	relation := "SELECT * FROM " + quoteQualified(l.Table)
	if l.Query != "" {
		relation = l.Query
	}
	dateCol := quoteQualified(p.dateColumn())
	cursor := quoteQualified(l.CursorColumn)
	return fmt.Sprintf(`WITH src AS (%s)
SELECT * FROM src
WHERE (%[2]s >= $1 AND %[2]s < $2)
   OR CAST(%[2]s AS date) IN (SELECT DISTINCT CAST(%[2]s AS date) FROM src WHERE %[3]s >= $3)
ORDER BY %[2]s, %[3]s`, relation, dateCol, cursor)
}

func (p *postgres) dateColumn() string {
	fact := dateColumns[p.src.Kind]
	if col := p.src.Fields[fact]; col != "" {
		return col
	}
	return fact
}

// since returns the stored mark minus the overlap, or nil when no mark is
// stored, which reads the window's dates only.
func (p *postgres) since() (any, error) {
	mark := p.opts.State[postgresMark]
	if mark == "" {
		return nil, nil
	}
	if n, err := strconv.ParseInt(mark, 10, 64); err == nil {
		overlap, err := p.src.Location.OverlapCount()
		if err != nil {
			return nil, fmt.Errorf("source %s: overlap %q is not a whole number for an integer cursor: %w", p.src.Name, p.src.Location.Overlap, err)
		}
		return n - overlap, nil
	}
	t, err := time.Parse(time.RFC3339Nano, mark)
	if err != nil {
		return nil, fmt.Errorf("source %s: stored cursor mark %q is neither an integer nor a timestamp: %w", p.src.Name, mark, err)
	}
	overlap, err := p.src.Location.OverlapDuration()
	if err != nil {
		return nil, fmt.Errorf("source %s: overlap %q is not a duration for a timestamp cursor: %w", p.src.Name, p.src.Location.Overlap, err)
	}
	return t.Add(-overlap), nil
}

func quoteQualified(name string) string {
	return pgx.Identifier(strings.Split(name, ".")).Sanitize()
}

// rowScan maps the rows of one query.
type rowScan struct {
	cursor string
	hashed *fetchHash
	stream *extract.RecordStream
	mark   string
}

func (s *rowScan) all(ctx context.Context, rows pgx.Rows) error {
	names := make([]string, len(rows.FieldDescriptions()))
	for i, f := range rows.FieldDescriptions() {
		names[i] = f.Name
	}
	for n := 0; rows.Next(); n++ {
		if n%1000 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		values, err := rows.Values()
		if err != nil {
			return err
		}
		if err := s.row(names, values); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *rowScan) row(names []string, values []any) error {
	obj := make(map[string]any, len(names))
	var cursor any
	for i, name := range names {
		obj[name] = jsonValue(values[i])
		if name == s.cursor {
			cursor = values[i]
		}
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("encode row: %w", err)
	}
	s.hashed.Write(append(raw, '\n'))
	if cursor == nil {
		return s.stream.Reject(s.cursor, "cursor column is NULL", raw)
	}
	s.mark = laterMark(s.mark, markText(cursor))
	return s.stream.Add(raw)
}

// jsonValue returns a value that encodes to JSON as the mappings expect:
// times in RFC 3339 UTC, numerics as exact text.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	case json.Marshaler:
		if b, err := x.MarshalJSON(); err == nil {
			return json.RawMessage(b)
		}
	}
	return v
}

func markText(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	}
	return fmt.Sprint(v)
}

// laterMark returns the greater of two marks, comparing integers as
// numbers and timestamps as times.
func laterMark(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	ai, errA := strconv.ParseInt(a, 10, 64)
	bi, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		if bi > ai {
			return b
		}
		return a
	}
	if mustParse(b).After(mustParse(a)) {
		return b
	}
	return a
}
