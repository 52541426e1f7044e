package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"evidencepack/config"
	"evidencepack/jobs/checks"
	"evidencepack/jobs/run"
	"evidencepack/transforms"
)

// OpenLineage constants. Events follow the OpenLineage 2-0-2 RunEvent
// schema. The producer URI names this package, which has no public URL.
const (
	LineageSchemaURL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
	LineageProducer  = "urn:evidencepack:jobs/observe"
	// specDefs is the prefix of the base facet definitions that the
	// facets here declare as their schema.
	specDefs = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/"
)

// OpenLineage run event types.
const (
	EventStart    = "START"
	EventComplete = "COMPLETE"
	EventFail     = "FAIL"
)

// runNamespace is the UUID namespace that lineage run ids are derived in.
var runNamespace = uuid.MustParse("5b0c1f4e-2f8a-4d6c-9a51-3e7d2f0c8b14")

// LineageRunID returns the OpenLineage runId of a run: a version 5 UUID
// of runID, so the same run id always gives the same runId.
func LineageRunID(runID string) string {
	return uuid.NewSHA1(runNamespace, []byte(runID)).String()
}

// LineageEvent is an OpenLineage RunEvent.
type LineageEvent struct {
	EventType string    `json:"eventType"`
	EventTime time.Time `json:"eventTime"`
	Run       struct {
		RunID  string         `json:"runId"`
		Facets map[string]any `json:"facets,omitempty"`
	} `json:"run"`
	Job struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"job"`
	Inputs    []Dataset `json:"inputs"`
	Outputs   []Dataset `json:"outputs"`
	Producer  string    `json:"producer"`
	SchemaURL string    `json:"schemaURL"`
}

// Dataset is an OpenLineage input or output dataset.
type Dataset struct {
	Namespace string         `json:"namespace"`
	Name      string         `json:"name"`
	Facets    map[string]any `json:"facets,omitempty"`
}

// Lineage emits OpenLineage run events to a JSON lines file, an HTTP
// endpoint or both, as the config's observability.lineage sets.
type Lineage struct {
	file, url string
	namespace string
	client    *http.Client
	mu        sync.Mutex
}

// NewLineage returns the emitter of cfg's lineage settings, or nil when
// neither a file nor a URL is set. A nil *Lineage emits nothing.
func NewLineage(cfg *config.Config) *Lineage {
	l := cfg.Observability.Lineage
	if l.File == "" && l.URL == "" {
		return nil
	}
	file := ""
	if l.File != "" {
		file = cfg.Resolve(l.File)
	}
	return &Lineage{file: file, url: l.URL, namespace: l.Namespace,
		client: &http.Client{Timeout: 10 * time.Second}}
}

// Event builds the event of eventType for the run runID of job over the
// window from..to. man may be nil, as it is for a START event; its inputs
// and replaced partitions become the event's inputs and outputs.
func (l *Lineage) Event(eventType, job, runID string, now time.Time, cfg *config.Config,
	man *run.Manifest, runErr error) LineageEvent {
	var e LineageEvent
	e.EventType = eventType
	e.EventTime = now.UTC()
	e.Run.RunID = LineageRunID(runID)
	e.Job.Namespace = l.namespace
	e.Job.Name = job
	e.Producer = LineageProducer
	e.SchemaURL = LineageSchemaURL
	e.Inputs = []Dataset{}
	e.Outputs = []Dataset{}
	if man != nil {
		e.Inputs = inputDatasets(man)
		e.Outputs = outputDatasets(cfg, man)
		e.Run.Facets = map[string]any{"evidencepack": map[string]any{
			"_producer":     LineageProducer,
			"_schemaURL":    specDefs + "RunFacet",
			"manifestRunId": man.RunID,
			"from":          man.From,
			"to":            man.To,
			"status":        man.Status,
		}}
		if len(man.Checks) > 0 {
			e.Run.Facets["dataQualityAssertions"] = assertionsFacet(man.Checks)
		}
	}
	if runErr != nil {
		if e.Run.Facets == nil {
			e.Run.Facets = map[string]any{}
		}
		e.Run.Facets["errorMessage"] = map[string]any{
			"_producer":           LineageProducer,
			"_schemaURL":          specDefs + "RunFacet",
			"message":             runErr.Error(),
			"programmingLanguage": "Go",
		}
	}
	return e
}

// assertionsFacet returns the run's checks as a run facet shaped like
// OpenLineage's DataQualityAssertionsDatasetFacet: a list of assertions,
// each with its name, success and checked column (columns joined with a
// comma when there are several), plus the table. It is a run facet
// because one run checks several tables.
func assertionsFacet(results []checks.Result) map[string]any {
	assertions := make([]map[string]any, 0, len(results))
	for _, c := range results {
		a := map[string]any{"assertion": c.Name, "success": !c.Failed()}
		if len(c.Columns) > 0 {
			a["column"] = strings.Join(c.Columns, ",")
		}
		if c.Table != "" {
			a["table"] = c.Table
		}
		assertions = append(assertions, a)
	}
	return map[string]any{
		"_producer":  LineageProducer,
		"_schemaURL": specDefs + "RunFacet",
		"assertions": assertions,
	}
}

func inputDatasets(man *run.Manifest) []Dataset {
	out := make([]Dataset, 0, len(man.Inputs))
	for _, in := range man.Inputs {
		abs, err := filepath.Abs(in.Path)
		if err != nil {
			abs = in.Path
		}
		out = append(out, Dataset{Namespace: "file", Name: abs, Facets: map[string]any{
			"evidencepack_input": map[string]any{
				"_producer":  LineageProducer,
				"_schemaURL": specDefs + "DatasetFacet",
				"source":     in.Source,
				"size":       in.Size,
				"sha256":     in.SHA256,
			},
		}})
	}
	return out
}

// outputDatasets returns one dataset per fact table with the partitions
// the run replaced in it.
func outputDatasets(cfg *config.Config, man *run.Manifest) []Dataset {
	byTable := map[string][]map[string]any{}
	for _, p := range man.Partitions {
		byTable[p.Table] = append(byTable[p.Table], map[string]any{
			"dt": p.Date, "source": p.Source, "rows": p.Rows,
		})
	}
	tables := make([]string, 0, len(byTable))
	for t := range byTable {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	facts := filepath.Join(cfg.Resolve(cfg.OutputDir), "facts")
	out := make([]Dataset, 0, len(tables))
	for _, t := range tables {
		out = append(out, Dataset{Namespace: "file", Name: filepath.Join(facts, t), Facets: map[string]any{
			"evidencepack_partitions": map[string]any{
				"_producer":  LineageProducer,
				"_schemaURL": specDefs + "DatasetFacet",
				"replaced":   byTable[t],
			},
		}})
	}
	return out
}

// Emit appends e to the lineage file and posts it to the lineage URL. It
// tries both and returns their errors joined. A nil *Lineage does nothing.
func (l *Lineage) Emit(ctx context.Context, e LineageEvent) error {
	if l == nil {
		return nil
	}
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode lineage event: %w", err)
	}
	var errs []error
	if l.file != "" {
		errs = append(errs, l.appendLine(body))
	}
	if l.url != "" {
		errs = append(errs, l.post(ctx, body))
	}
	return errors.Join(errs...)
}

func (l *Lineage) appendLine(body []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(l.file), transforms.DirMode); err != nil {
		return fmt.Errorf("append lineage event to %s: %w", l.file, err)
	}
	f, err := os.OpenFile(l.file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, transforms.FileMode)
	if err != nil {
		return fmt.Errorf("append lineage event to %s: %w", l.file, err)
	}
	// One write call per event keeps lines whole when several processes
	// append to the same file.
	if _, err := f.Write(append(body, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("append lineage event to %s: %w", l.file, err)
	}
	return f.Close()
}

func (l *Lineage) post(ctx context.Context, body []byte) error {
	// The event is sent even while the run is being cancelled.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.client.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post lineage event to %s: %w", l.url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.client.Do(req)
	if err != nil {
		return fmt.Errorf("post lineage event to %s: %w", l.url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post lineage event to %s: status %s", l.url, resp.Status)
	}
	return nil
}
