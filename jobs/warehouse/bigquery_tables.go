package warehouse

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"cloud.google.com/go/bigquery"
	"google.golang.org/api/googleapi"

	"evidencepack/transforms"
)

// tableSpec is one table that EnsureTables keeps.
type tableSpec struct {
	name   string
	schema bigquery.Schema
	fact   bool
}

// Change is one change that EnsureTables makes or would make.
type Change struct {
	Table  string
	Action string // "create dataset", "create table" or "add column"
	Column string
}

func (c Change) String() string {
	if c.Column != "" {
		return fmt.Sprintf("%s %s to %s", c.Action, c.Column, c.Table)
	}
	return c.Action + " " + c.Table
}

func tableSpecs() ([]tableSpec, error) {
	var specs []tableSpec
	for _, t := range transforms.Tables {
		s, err := FactSchema(t)
		if err != nil {
			return nil, err
		}
		specs = append(specs, tableSpec{name: t, schema: s, fact: true})
	}
	for _, t := range []string{tableAccounts, tableWorkflows, tablePackSettings, tableRuns} {
		s, err := dimensionSchema(t)
		if err != nil {
			return nil, err
		}
		specs = append(specs, tableSpec{name: t, schema: s})
	}
	specs = append(specs, sourceStateSpec())
	checkSpecs, err := checkTableSpecs()
	if err != nil {
		return nil, err
	}
	return append(specs, checkSpecs...), nil
}

// EnsureTables creates the dataset and the tables that are missing and
// adds missing columns, as NULLABLE, to existing tables.
func (w *BigQuery) EnsureTables(ctx context.Context) error {
	changes, err := w.Plan(ctx)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := w.apply(ctx, c); err != nil {
			return fmt.Errorf("%s: %w", c, err)
		}
	}
	return nil
}

// Plan checks the dataset and every table without writing and returns the
// changes EnsureTables would make. A table that drifted from this
// version's schema in a way a run cannot fix is a *DriftError, which
// lists every such difference.
func (w *BigQuery) Plan(ctx context.Context) ([]Change, error) {
	specs, err := tableSpecs()
	if err != nil {
		return nil, err
	}
	if _, err := w.dataset.Metadata(ctx); isNotFound(err) {
		changes := []Change{{Table: w.cfg.Dataset, Action: "create dataset"}}
		for _, s := range specs {
			changes = append(changes, Change{Table: s.name, Action: "create table"})
		}
		return changes, nil
	} else if err != nil {
		return nil, fmt.Errorf("read dataset %s.%s: %w", w.cfg.Project, w.cfg.Dataset, err)
	}
	var changes []Change
	drift := &DriftError{}
	for _, s := range specs {
		c, err := w.planTable(ctx, s)
		var d *DriftError
		if errors.As(err, &d) {
			drift.Problems = append(drift.Problems, d.Problems...)
			continue
		}
		if err != nil {
			return nil, err
		}
		changes = append(changes, c...)
	}
	if len(drift.Problems) > 0 {
		return nil, drift
	}
	return changes, nil
}

func (w *BigQuery) planTable(ctx context.Context, s tableSpec) ([]Change, error) {
	md, err := w.dataset.Table(s.name).Metadata(ctx)
	if isNotFound(err) {
		return []Change{{Table: s.name, Action: "create table"}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read table %s: %w", s.name, err)
	}
	w.setSchema(s.name, md.Schema)
	if problems := tableDrift(s, md); len(problems) > 0 {
		return nil, &DriftError{Problems: problems}
	}
	have := map[string]bool{}
	for _, f := range md.Schema {
		have[f.Name] = true
	}
	var changes []Change
	for _, f := range s.schema {
		if !have[f.Name] {
			changes = append(changes, Change{Table: s.name, Action: "add column", Column: f.Name})
		}
	}
	return changes, nil
}

func mode(required bool) string {
	if required {
		return "REQUIRED"
	}
	return "NULLABLE"
}

func (w *BigQuery) apply(ctx context.Context, c Change) error {
	switch c.Action {
	case "create dataset":
		return w.dataset.Create(ctx, &bigquery.DatasetMetadata{Location: w.cfg.Location})
	case "create table":
		s, err := specOf(c.Table)
		if err != nil {
			return err
		}
		w.setSchema(s.name, s.schema)
		return w.dataset.Table(c.Table).Create(ctx, w.tableMetadata(s))
	case "add column":
		return w.addColumn(ctx, c)
	}
	return fmt.Errorf("unknown change %q", c.Action)
}

func specOf(table string) (tableSpec, error) {
	specs, err := tableSpecs()
	if err != nil {
		return tableSpec{}, err
	}
	for _, s := range specs {
		if s.name == table {
			return s, nil
		}
	}
	return tableSpec{}, fmt.Errorf("no schema for table %q", table)
}

// tableMetadata partitions a fact table by day on dt and clusters it by
// account_id, so a query of one account and period reads little.
func (w *BigQuery) tableMetadata(s tableSpec) *bigquery.TableMetadata {
	md := &bigquery.TableMetadata{Schema: s.schema}
	if s.fact {
		md.TimePartitioning = &bigquery.TimePartitioning{
			Type: bigquery.DayPartitioningType, Field: "dt", Expiration: w.cfg.PartitionExpiration}
		md.Clustering = &bigquery.Clustering{Fields: []string{"account_id"}}
		md.RequirePartitionFilter = w.cfg.RequirePartitionFilter
	}
	return md
}

// addColumn appends a column as NULLABLE, since BigQuery adds no REQUIRED
// column to a table that has rows.
func (w *BigQuery) addColumn(ctx context.Context, c Change) error {
	s, err := specOf(c.Table)
	if err != nil {
		return err
	}
	t := w.dataset.Table(c.Table)
	md, err := t.Metadata(ctx)
	if err != nil {
		return err
	}
	for _, f := range s.schema {
		if f.Name == c.Column {
			added := *f
			added.Required = false
			updated := append(md.Schema, &added)
			if _, err = t.Update(ctx, bigquery.TableMetadataToUpdate{Schema: updated}, md.ETag); err != nil {
				return err
			}
			w.setSchema(c.Table, updated)
			return nil
		}
	}
	return fmt.Errorf("no column %s in the schema of %s", c.Column, c.Table)
}

func isNotFound(err error) bool {
	var gerr *googleapi.Error
	return errors.As(err, &gerr) && gerr.Code == http.StatusNotFound
}

func isAlreadyExists(err error) bool {
	var gerr *googleapi.Error
	return errors.As(err, &gerr) && gerr.Code == http.StatusConflict
}
