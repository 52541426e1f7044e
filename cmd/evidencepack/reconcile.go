package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"evidencepack/jobs/finance"
)

func newReconcileCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reconcile --config FILE --period PERIOD",
		Short: "Compare warehouse cost totals with the cost source files and write the finance CSV files",
		Long: `reconcile re-reads the files of every costs source and sums their billed cost
per account and currency for the lines whose charge period starts in the
period (a quarter such as 2026-Q3 or a month such as 2026-07, by UTC date).
It compares each sum with the billed cost of cost_lines in the warehouse
(DuckDB, opened read-only, or BigQuery, queried with parameters), prints
the table and writes reconcile.csv and cost_value_by_month.csv under
<output_dir>/finance/<period>/, with rejected.csv listing the records the
readers rejected. It exits with code 7 when any difference is not exactly
zero, and writes no file when it fails otherwise. Reconcile holds the
shared lock of the output directory from its first read to its last
write: it fails (or waits with --wait) while a run holds the lock, and a
run started meanwhile waits for it.`,
		Args: cobra.NoArgs,
		RunE: runReconcile,
	}
	addConfigFlag(cmd)
	addWaitFlag(cmd)
	cmd.Flags().String("period", "", "period to reconcile: 2026-Q3 or 2026-07 (required)")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

func runReconcile(cmd *cobra.Command, _ []string) error {
	label, _ := cmd.Flags().GetString("period")
	p, err := finance.ParsePeriod(label)
	if err != nil {
		return usageError{fmt.Errorf("invalid --period: %w", err)}
	}
	cfg, _, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	wait, _ := cmd.Flags().GetDuration("wait")
	res, err := finance.Run(cmd.Context(), cfg, p, finance.Options{Endpoints: endpointsFromEnv(), LockWait: wait})
	if res == nil {
		return err
	}
	out := cmd.OutOrStdout()
	if perr := res.Report.Print(out); perr != nil {
		return errors.Join(err, perr)
	}
	for _, path := range []string{res.ReconcileCSV, res.CostValueCSV, res.Report.RejectedCSV} {
		if path != "" {
			fmt.Fprintln(out, "wrote", path)
		}
	}
	return err
}
