package warehouse

import (
	"context"
	"time"

	"evidencepack/config"
	evsql "evidencepack/sql"
)

// Warehouse is the store a run loads its facts into and renders packs from. DuckDB
// and BigQuery implement it; config.Warehouse.Kind selects one.
type Warehouse interface {
	// Dialect returns the SQL dialect that views and queries render to.
	Dialect() evsql.Dialect
	// EnsureTables creates the tables that are missing.
	EnsureTables(ctx context.Context) error
	// Load replaces the partitions of the batch's tables, the accounts,
	// the pack settings and the views. DuckDB applies it in one
	// transaction; BigQuery replaces each partition atomically on its own.
	Load(ctx context.Context, b Batch) error
	// RecordRun appends one row to the runs table.
	RecordRun(ctx context.Context, rec RunRecord) error
	// ReadSourceState returns the newest high-water mark of each key that
	// a successful load stored for a live source.
	ReadSourceState(ctx context.Context, source string) (map[string]string, error)
	Querier
	Close() error
}

// Batch is everything one run loads.
type Batch struct {
	// RunID names the run; BigQuery derives its job ids from it.
	RunID string
	// FactsDir is the root of the Parquet tree, <output_dir>/facts.
	FactsDir string
	Tables   []TableLoad
	Accounts []config.Account
	Settings PackSettings
	// Views are CREATE OR REPLACE VIEW statements in the warehouse's
	// dialect, in dependency order.
	Views []Statement
	// Extra are statements run last in the load. DuckDB runs them in the
	// load transaction; BigQuery does not run them.
	Extra []Statement
	// SourceMarks are the high-water marks of the live sources that the
	// run read up to. They are stored only once everything else of the
	// batch is loaded: DuckDB in the load transaction, BigQuery after the
	// last load and view job succeeded.
	SourceMarks []SourceMark
}

// PackSettings is the one row of pack_settings.
type PackSettings struct {
	VerificationWindowDays int
	DataThrough            time.Time
	MinReviewedCases       int
	MinReviewAccuracy      float64
	MaxSev1Incidents       int
	MaxIncidents           int
	MinUsageGrowth         float64
}

// RunRecord is one row of the runs table.
type RunRecord struct {
	RunID, Status, FailedStep, Error        string
	StartedAt, FinishedAt                   time.Time
	From, To                                string // YYYY-MM-DD
	ConfigSHA256, InputsSHA256, ViewsSHA256 string
	Manifest                                string // the manifest as JSON
}

// Querier runs a read-only query with positional ? parameters.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (Rows, error)
}

// Rows iterates over query results in the manner of database/sql.Rows.
// It is an alias of an unnamed interface, so that jobs/render can declare
// the same type without importing this package and the Query methods here
// satisfy its Querier.
type Rows = interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Endpoints points the Google Cloud clients at other servers than
// Google's, such as the fakes of the tests. Empty fields keep the default.
type Endpoints struct {
	BigQuery string
	Storage  string
}
