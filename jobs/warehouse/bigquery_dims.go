package warehouse

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"cloud.google.com/go/bigquery"

	"evidencepack/config"
)

// LoadDimensions replaces accounts, account_workflows and pack_settings,
// each with one JSON load job that truncates the table. Load jobs are
// free of charge and of DML quotas.
func (w *BigQuery) LoadDimensions(ctx context.Context, runID string, accounts []config.Account, s PackSettings) error {
	var accountRows, workflowRows []map[string]any
	for _, a := range accounts {
		accountRows = append(accountRows, map[string]any{
			"account_id": a.ID, "name": a.Name, "currency": a.Currency,
			"renewal_date": nullIfEmpty(a.RenewalDate), "annual_contract_value": nullIfEmpty(a.AnnualContractValue),
			"learning_permitted": a.LearningPermitted, "time_zone": nullIfEmpty(a.TimeZone),
		})
		for _, wf := range a.Workflows {
			workflowRows = append(workflowRows, map[string]any{
				"account_id": a.ID, "workflow": wf.Name,
				"baseline_handle_time_seconds": wf.BaselineHandleTimeSeconds,
				"baseline_reopen_rate":         wf.BaselineReopenRate,
				"hourly_cost_rate":             nullIfEmpty(wf.HourlyCostRate),
				"autonomy_level":               nullIfEmpty(wf.AutonomyLevel), "trial": wf.Trial,
			})
		}
	}
	settings := []map[string]any{{
		"verification_window_days": s.VerificationWindowDays, "data_through": timestampText(s.DataThrough),
		"min_reviewed_cases": s.MinReviewedCases, "min_review_accuracy": s.MinReviewAccuracy,
		"max_sev1_incidents": s.MaxSev1Incidents, "max_incidents": s.MaxIncidents,
		"min_usage_growth": s.MinUsageGrowth,
	}}
	for _, l := range []struct {
		table string
		rows  []map[string]any
	}{{tableAccounts, accountRows}, {tableWorkflows, workflowRows}, {tablePackSettings, settings}} {
		if err := w.loadJSON(ctx, "ep_"+runID+"_"+l.table, l.table, bigquery.WriteTruncate, l.rows); err != nil {
			return err
		}
	}
	return nil
}

// RecordRun appends the run to the runs table with a JSON load job.
func (w *BigQuery) RecordRun(ctx context.Context, m RunRecord) error {
	row := map[string]any{
		"run_id": m.RunID, "started_at": timestampText(m.StartedAt), "finished_at": timestampText(m.FinishedAt),
		"status": m.Status, "failed_step": nullIfEmpty(m.FailedStep), "error": nullIfEmpty(m.Error),
		"date_from": m.From, "date_to": m.To, "config_sha256": m.ConfigSHA256,
		"inputs_sha256": m.InputsSHA256, "views_sha256": m.ViewsSHA256, "manifest": m.Manifest,
	}
	id := "ep_" + m.RunID + "_runs_" + strconv.FormatInt(m.StartedAt.UnixMicro(), 10)
	return w.loadJSON(ctx, id, tableRuns, bigquery.WriteAppend, []map[string]any{row})
}

// loadJSON loads rows as newline-delimited JSON into table.
func (w *BigQuery) loadJSON(ctx context.Context, jobID, table string, disposition bigquery.TableWriteDisposition, rows []map[string]any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("encode %s row: %w", table, err)
		}
	}
	schema, err := w.loadSchema(table)
	if err != nil {
		return err
	}
	data := buf.Bytes()
	return w.runLoad(ctx, jobID, func() (*bigquery.Loader, func(), error) {
		src := bigquery.NewReaderSource(bytes.NewReader(data))
		src.SourceFormat = bigquery.JSON
		src.Schema = schema
		l := w.dataset.Table(table).LoaderFrom(src)
		l.WriteDisposition = disposition
		l.CreateDisposition = bigquery.CreateNever
		return l, func() {}, nil
	})
}

// CreateViews runs the CREATE OR REPLACE VIEW statements as query jobs, in
// order, since a view reads the views before it.
func (w *BigQuery) CreateViews(ctx context.Context, views []Statement) error {
	for _, v := range views {
		q := w.client.Query(v.SQL)
		q.Location = w.cfg.Location
		job, err := q.Run(ctx)
		if err != nil {
			return fmt.Errorf("create view %s: %w", v.Name, err)
		}
		if err := waitJob(ctx, job); err != nil {
			return fmt.Errorf("create view %s: %w", v.Name, err)
		}
	}
	return nil
}

// loadSchema returns the schema that loads into table declare: the one
// EnsureTables found or created, or the expected one.
func (w *BigQuery) loadSchema(table string) (bigquery.Schema, error) {
	w.mu.Lock()
	s := w.schemas[table]
	w.mu.Unlock()
	if s != nil {
		return s, nil
	}
	spec, err := specOf(table)
	return spec.schema, err
}

func (w *BigQuery) setSchema(table string, s bigquery.Schema) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.schemas == nil {
		w.schemas = map[string]bigquery.Schema{}
	}
	w.schemas[table] = s
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// timestampText formats t as a BigQuery TIMESTAMP literal in UTC.
func timestampText(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}
