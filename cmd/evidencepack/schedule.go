package main

import (
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"evidencepack/jobs/observe"
	"evidencepack/jobs/run"
	"evidencepack/jobs/schedule"
)

func newScheduleCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedule --config FILE",
		Short: "Run the config's scheduled jobs on their cron specs until SIGTERM or SIGINT",
		Long: `schedule is a long-running process. On start it runs the logical dates
that each job of schedule.jobs missed since the last successful run (at most
max_catchup per job, oldest first), then fires each job on its cron spec.
A firing runs the day before the firing time in the job's time zone. Runs
of one job never overlap; transient failures are retried with backoff.
It serves /metrics and /healthz on schedule.listen.

On SIGTERM or SIGINT it starts no new run, lets a running run finish
within schedule.grace_period, then cancels it. It exits 0 after a clean
stop and 130 when it had to cancel a run.`,
		Args: cobra.NoArgs,
		RunE: runSchedule,
	}
	addConfigFlag(cmd)
	return cmd
}

func runSchedule(cmd *cobra.Command, _ []string) error {
	cfg, raw, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	log, err := newLogger(cmd)
	if err != nil {
		return err
	}
	key, err := hmacKey(cfg)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", cfg.Schedule.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (schedule.listen) for /metrics and /healthz: %w; choose a free port",
			cfg.Schedule.Listen, err)
	}
	s, err := schedule.New(schedule.Options{
		Config:   cfg,
		Base:     run.Options{ConfigBytes: raw, HMACKey: key, Endpoints: endpointsFromEnv()},
		Logger:   log,
		Metrics:  observe.NewMetrics(true),
		Lineage:  observe.NewLineage(cfg),
		Listener: listener,
	})
	if err != nil {
		listener.Close()
		return err
	}
	return s.Run(cmd.Context())
}
