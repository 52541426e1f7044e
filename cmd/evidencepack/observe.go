package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"evidencepack/config"
	"evidencepack/jobs/observe"
	"evidencepack/jobs/run"
	"evidencepack/jobs/schedule"
)

// oneShotJob is the job name of `evidencepack run` in metrics and lineage.
const oneShotJob = "run"

// oneShot reports one `evidencepack run`: a lineage START event when it
// begins and, when it ends, a COMPLETE or FAIL event and the metrics
// textfile. Its logger adds a progress line on a terminal.
type oneShot struct {
	ctx     context.Context
	cfg     *config.Config
	log     *slog.Logger
	lineage *observe.Lineage
	runID   string
	start   time.Time
}

func startOneShot(cmd *cobra.Command, cfg *config.Config, log *slog.Logger, to time.Time) *oneShot {
	o := &oneShot{ctx: cmd.Context(), cfg: cfg, log: log, lineage: observe.NewLineage(cfg), start: time.Now()}
	o.runID = schedule.RunID(oneShotJob, to, o.start)
	if isTerminal(cmd.ErrOrStderr()) {
		o.log = observe.WithProgress(log, cmd.ErrOrStderr())
	}
	o.emit(observe.EventStart, nil, nil)
	return o
}

// finish reports the outcome of the run.
func (o *oneShot) finish(m *run.Manifest, err error) {
	if err != nil {
		o.emit(observe.EventFail, m, err)
	} else {
		o.emit(observe.EventComplete, m, nil)
	}
	path := o.cfg.Observability.MetricsTextfile
	if path == "" {
		return
	}
	metrics := observe.NewMetrics(false)
	metrics.ObserveRun(oneShotJob, m, err, time.Since(o.start))
	if werr := metrics.WriteTextfile(o.cfg.Resolve(path)); werr != nil {
		o.log.Error("metrics textfile not written", "path", o.cfg.Resolve(path), "err", werr)
	}
}

func (o *oneShot) emit(eventType string, m *run.Manifest, runErr error) {
	if o.lineage == nil {
		return
	}
	e := o.lineage.Event(eventType, oneShotJob, o.runID, time.Now(), o.cfg, m, runErr)
	if err := o.lineage.Emit(o.ctx, e); err != nil {
		o.log.Warn("lineage event not delivered", "event_type", eventType, "err", err)
	}
}
