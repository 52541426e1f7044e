package run

import (
	"context"
	"encoding/json"

	"evidencepack/jobs/warehouse"
)

// recordRun stores the manifest in the warehouse's runs table. A run that
// failed before the warehouse opened is recorded in its manifest file only.
func (r *runner) recordRun(ctx context.Context) {
	if r.store == nil {
		if err := r.openWarehouse(context.WithoutCancel(ctx)); err != nil {
			r.log.Warn("run not recorded in the warehouse", "err", err)
			return
		}
	}
	defer r.closeWarehouse()
	m := r.manifest
	data, err := json.Marshal(m)
	if err != nil {
		r.log.Error("encode manifest", "err", err)
		return
	}
	rec := warehouse.RunRecord{
		RunID: m.RunID, StartedAt: m.StartedAt, FinishedAt: m.FinishedAt, Status: m.Status,
		FailedStep: m.FailedStep, Error: m.Error, From: m.From, To: m.To,
		ConfigSHA256: m.ConfigSHA256, InputsSHA256: m.InputsSHA256, ViewsSHA256: m.ViewsSHA256,
		Manifest: string(data),
	}
	// The record is written even when the run was cancelled.
	if err := r.store.RecordRun(context.WithoutCancel(ctx), rec); err != nil {
		r.log.Error("record run in the warehouse", "err", err)
	}
}
