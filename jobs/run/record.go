package run

import (
	"context"
	"encoding/json"

	"evidencepack/jobs/warehouse"
)

// recordRun stores the manifest in the warehouse's runs table. A run that
// failed before the warehouse opened is recorded in its manifest file only.
func (r *runner) recordRun(ctx context.Context) {
	if r.wh == nil {
		if err := r.openWarehouse(context.WithoutCancel(ctx)); err != nil {
			r.log.Warn("run not recorded in the warehouse", "err", err)
			return
		}
	}
	defer func() {
		r.wh.Close()
		r.wh = nil
	}()
	m := r.manifest
	data, err := json.Marshal(m)
	if err != nil {
		r.log.Error("encode manifest", "err", err)
		return
	}
	stmt := warehouse.Statement{
		Name: "record run",
		SQL:  `INSERT INTO runs VALUES (?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?, ?, ?, ?)`,
		Args: []any{m.RunID, m.StartedAt, m.FinishedAt, m.Status, m.FailedStep, m.Error,
			m.From, m.To, m.ConfigSHA256, m.InputsSHA256, m.ViewsSHA256, string(data)},
	}
	// The record is written even when the run was cancelled.
	if err := r.wh.Exec(context.WithoutCancel(ctx), []warehouse.Statement{stmt}); err != nil {
		r.log.Error("record run in the warehouse", "err", err)
	}
}
