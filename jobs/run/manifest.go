package run

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"evidencepack/jobs/checks"
	"evidencepack/jobs/sources"
	"evidencepack/transforms"
)

// Run statuses.
const (
	StatusRunning   = "running"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	// StatusCancelled is a run stopped by the cancellation of its context,
	// such as SIGTERM or SIGINT.
	StatusCancelled = "cancelled"
)

// Manifest records what one run read, wrote and measured.
type Manifest struct {
	RunID        string      `json:"run_id"`
	Status       string      `json:"status"`
	FailedStep   string      `json:"failed_step,omitempty"`
	Error        string      `json:"error,omitempty"`
	From         string      `json:"from"`
	To           string      `json:"to"`
	StartedAt    time.Time   `json:"started_at"`
	FinishedAt   time.Time   `json:"finished_at"`
	ConfigSHA256 string      `json:"config_sha256"`
	InputsSHA256 string      `json:"inputs_sha256"`
	ViewsSHA256  string      `json:"views_sha256"`
	Inputs       []InputFile `json:"inputs"`
	// Fetches are the reads of the live sources: endpoint, pages, rows,
	// bytes, hash and high-water marks.
	Fetches      []sources.Fetch         `json:"fetches,omitempty"`
	Sources      map[string]*SourceStats `json:"sources"`
	Partitions   []PartitionInfo         `json:"partitions_replaced"`
	Packs        []PackFile              `json:"packs"`
	RenderInputs *RenderInputs           `json:"render_inputs,omitempty"`
	Steps        []StepTiming            `json:"steps"`
	Warehouse    string                  `json:"warehouse"`
	// File is the path the manifest was written to. It is not part of
	// the JSON.
	File string `json:"-"`
	// Checks are the data quality checks run after the load, with the
	// query and a sample of the failing rows of each failed one.
	Checks []checks.Result `json:"checks,omitempty"`
	// Freshness is the age of each source with a freshness setting.
	Freshness []checks.FreshnessResult `json:"freshness,omitempty"`
	// InputSchemas are the columns each CSV or Parquet source provided.
	InputSchemas map[string]*InputSchema `json:"input_schemas,omitempty"`
}

// SourceStats are the row counts of one source with its quarantine file.
type SourceStats struct {
	Kind  string `json:"kind"`
	Table string `json:"table"`
	transforms.Counts
	QuarantineFile string `json:"quarantine_file,omitempty"`
	// Redactions counts the placeholders written per fact column and
	// placeholder name, such as feedback_text: {email: 3}. Redacted
	// values are never recorded.
	Redactions map[string]map[string]int64 `json:"redactions,omitempty"`
}

// PartitionInfo is one partition file: the rows one source wrote for a
// table and date. Among the replaced partitions, Rows 0 with no File is a
// file removed because its source has no rows left for that date.
type PartitionInfo struct {
	Table  string `json:"table"`
	Date   string `json:"dt"`
	Source string `json:"source,omitempty"`
	Rows   int    `json:"rows"`
	File   string `json:"file,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// StepTiming is the duration of one step of the run.
type StepTiming struct {
	Step    string  `json:"step"`
	Seconds float64 `json:"seconds"`
}

// inputsDigest hashes the source, path and content hash of every input in
// a fixed order.
func inputsDigest(inputs []InputFile) string {
	sorted := append([]InputFile(nil), inputs...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Source != sorted[j].Source {
			return sorted[i].Source < sorted[j].Source
		}
		return sorted[i].Path < sorted[j].Path
	})
	h := sha256.New()
	for _, in := range sorted {
		fmt.Fprintf(h, "%s\x00%s\x00%s\n", in.Source, filepath.Base(in.Path), in.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// runID derives the run id from what determines the run's output: the
// config, the window, the inputs and the views. Re-running the same work
// gives the same id, which keeps packs byte-identical across re-runs.
func runID(m *Manifest) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%s\n%s\n", m.ConfigSHA256, m.From, m.To, m.InputsSHA256, m.ViewsSHA256)
	return "run-" + hex.EncodeToString(h.Sum(nil))[:20]
}

// writeManifest writes the manifest as indented JSON to path atomically.
func writeManifest(path string, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	return transforms.WriteFileAtomic(path, append(data, '\n'))
}
