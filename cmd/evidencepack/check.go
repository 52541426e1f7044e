package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"evidencepack/jobs/checks"
	"evidencepack/jobs/run"
)

func newCheckCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check --config FILE",
		Short: "Run the data quality checks and source freshness against the warehouse",
		Long: `check runs the built-in and configured data quality checks and the freshness
of every source with a freshness setting against the warehouse as it is,
for the dates of the latest successful run. Every check reads the whole
table unless --window limits the checks of scope window (see checks_scope)
to the partitions that run replaced. It loads and writes nothing. It
prints one line per check and source and exits 0 unless a check or source
of severity error failed (exit 8); failures of severity warn are printed
and exit 0.`,
		Args: cobra.NoArgs,
		RunE: runCheck,
	}
	addConfigFlag(cmd)
	cmd.Flags().Bool("window", false,
		"limit checks of scope window to the partitions the latest successful run replaced (default: whole tables)")
	addWaitFlag(cmd)
	return cmd
}

func runCheck(cmd *cobra.Command, _ []string) error {
	cfg, _, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	window, _ := cmd.Flags().GetBool("window")
	lock, err := lockWarehouseForReading(cmd, cfg)
	if err != nil {
		return err
	}
	defer lock.Release()
	rep, err := run.CheckWarehouse(cmd.Context(), cfg, run.CheckOptions{Window: window, Endpoints: endpointsFromEnv()})
	if err != nil {
		return err
	}
	printCheckReport(cmd.OutOrStdout(), rep)
	return rep.Blocking()
}

func printCheckReport(w io.Writer, rep *run.CheckReport) {
	fmt.Fprintf(w, "checks of run %s (%s..%s)\n", rep.RunID, rep.From, rep.To)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tTABLE\tSEVERITY\tSTATUS\tFAILING ROWS\tMESSAGE")
	for _, c := range rep.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", c.Name, c.Table, c.Severity, c.Status, c.FailingCount, c.Message)
	}
	for _, f := range rep.Freshness {
		severity := f.Severity
		if severity == "" {
			severity = "-"
		}
		fmt.Fprintf(tw, "freshness %s\t%s\t%s\t%s\t-\tnewest is %s old at the window end. %s\n", f.Source, f.Table,
			severity, f.Status, checks.FormatAge(secondsToDuration(f.AgeSeconds)), f.Message)
	}
	tw.Flush()
}

func secondsToDuration(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
