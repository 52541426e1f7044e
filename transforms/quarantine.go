package transforms

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// QuarantineColumns is the header of a quarantine file.
var QuarantineColumns = []string{"source", "file", "record", "column", "reason", "raw_value"}

// QuarantineWriter streams rejects of one source to a CSV file that
// appears under its final name only on Commit.
type QuarantineWriter struct {
	path  string
	tmp   *os.File
	w     *csv.Writer
	count int64
}

// NewQuarantineWriter starts the quarantine file at path.
func NewQuarantineWriter(path string) (*QuarantineWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), DirMode); err != nil {
		return nil, fmt.Errorf("create quarantine directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return nil, fmt.Errorf("create quarantine file: %w", err)
	}
	q := &QuarantineWriter{path: path, tmp: tmp, w: csv.NewWriter(tmp)}
	if err := q.w.Write(QuarantineColumns); err != nil {
		q.Abort()
		return nil, fmt.Errorf("write quarantine header: %w", err)
	}
	return q, nil
}

// Path returns the final path of the quarantine file.
func (q *QuarantineWriter) Path() string { return q.path }

// Count returns the number of rejects written.
func (q *QuarantineWriter) Count() int64 { return q.count }

// Write appends one reject. Every text cell passes through CSVSafe, so
// hostile input cannot plant a spreadsheet formula or invalid UTF-8.
func (q *QuarantineWriter) Write(r Reject) error {
	q.count++
	rec := []string{CSVSafe(r.Source), CSVSafe(r.File), strconv.FormatInt(r.Record, 10),
		CSVSafe(r.Column), CSVSafe(r.Reason), CSVSafe(r.Raw)}
	if err := q.w.Write(rec); err != nil {
		return fmt.Errorf("write quarantine row: %w", err)
	}
	return nil
}

// Commit flushes the file and publishes it under its final name.
func (q *QuarantineWriter) Commit() error {
	q.w.Flush()
	if err := q.w.Error(); err != nil {
		q.Abort()
		return fmt.Errorf("flush quarantine file: %w", err)
	}
	if err := q.tmp.Close(); err != nil {
		os.Remove(q.tmp.Name())
		return fmt.Errorf("close quarantine file: %w", err)
	}
	return publish(q.tmp.Name(), q.path)
}

// Abort discards the file.
func (q *QuarantineWriter) Abort() {
	q.tmp.Close()
	os.Remove(q.tmp.Name())
}
