// Package sources reads the records of a configured source wherever they
// live: local files, the PagerDuty and Label Studio REST APIs, PostgreSQL
// tables, Cloud Storage objects and the BigQuery Cloud Billing export.
// Every source reports each record to a transforms.Sink through the record
// mapping of its format, so a record reaches the same fact whatever its
// location.
package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"log/slog"
	"net/http"
	"os"
	"time"

	"evidencepack/config"
	"evidencepack/transforms"
)

// Source streams the records of one configured source to a sink.
type Source interface {
	// Extract reports every record to sink, exactly one Fact or Reject
	// call per record, and returns what it fetched.
	Extract(ctx context.Context, sink transforms.Sink) (*Report, error)
}

// Report is the record of what a source fetched in one run.
type Report struct {
	// Records is the number of records reported to the sink.
	Records int64
	// Fetches describe each endpoint, table or object read.
	Fetches []Fetch
	// State holds the high-water marks to store when the run commits.
	State map[string]string
}

// Fetch is one endpoint, table or object a live source read, as recorded
// in the run manifest in place of a file hash.
type Fetch struct {
	Source   string `json:"source"`
	Endpoint string `json:"endpoint"`
	Pages    int    `json:"pages,omitempty"`
	Rows     int64  `json:"rows"`
	Bytes    int64  `json:"bytes"`
	// SHA256 is the hash of the bytes read, in the order they were read,
	// so the same data gives the same run id.
	SHA256 string `json:"sha256"`
	// Generation is the Cloud Storage object generation.
	Generation int64 `json:"generation,omitempty"`
	// HighWaterMarks are the marks the run read from and the marks it
	// stores when it commits.
	HighWaterMarks map[string]string `json:"high_water_marks,omitempty"`
}

// Options are the settings a run passes to every live source.
type Options struct {
	// From and To are the first and last logical dates of the window,
	// inclusive, as UTC midnights.
	From, To time.Time
	// State holds the high-water marks stored by the last successful run.
	State map[string]string
	// Getenv reads credentials; nil means os.Getenv.
	Getenv func(string) string
	// HTTPClient sends API requests; nil means a client with a 60s
	// timeout.
	HTTPClient *http.Client
	// Sleep waits before a retry; nil sleeps on a timer and returns early
	// with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives retries and warnings; nil discards them.
	Logger *slog.Logger
	// TempDir holds downloaded objects while they are read; empty means
	// os.TempDir().
	TempDir string
}

func (o *Options) defaults() {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if o.Sleep == nil {
		o.Sleep = sleepContext
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Open returns the live source of src.Location. Local files are read by
// Files, which the run builds from the resolved paths.
func Open(src config.Source, opts Options) (Source, error) {
	opts.defaults()
	switch src.Location.Type {
	case config.LocationPagerDutyAPI:
		return newPagerDuty(src, opts)
	case config.LocationLabelStudioAPI:
		return newLabelStudio(src, opts)
	case config.LocationPostgres:
		return newPostgres(src, opts)
	case config.LocationGCS:
		return newGCS(src, opts)
	case config.LocationBigQueryBilling:
		return newBigQueryBilling(src, opts)
	}
	return nil, fmt.Errorf("source %s: location type %q is not a live source", src.Name, src.Location.Type)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// fetchHash accumulates the size and SHA-256 of the bytes of one fetch.
type fetchHash struct {
	h     hash.Hash
	bytes int64
}

func newFetchHash() *fetchHash { return &fetchHash{h: sha256.New()} }

func (f *fetchHash) Write(p []byte) (int, error) {
	f.bytes += int64(len(p))
	return f.h.Write(p)
}

func (f *fetchHash) sum() string { return hex.EncodeToString(f.h.Sum(nil)) }

// dayAfter returns the UTC midnight that ends the window.
func dayAfter(to time.Time) time.Time {
	return time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, time.UTC)
}

// utcDay returns the UTC midnight that starts the date of t.
func utcDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
