package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"evidencepack/jobs/run"
)

func newMigrateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate --config FILE",
		Short: "Bring the DuckDB warehouse's tables to this version's columns",
		Long: `migrate takes the lock on the output directory and compares every table of
the DuckDB warehouse with this version's definition. A table with a column
that this version dropped, retyped or declares in another place is rebuilt
in one transaction: fact tables from their Parquet files under
output_dir/facts when there are any, other tables from their old rows cast
to the current types. Missing tables and columns are added. It prints one
line per change, or that there was nothing to do.`,
		Args: cobra.NoArgs,
		RunE: runMigrate,
	}
	addConfigFlag(cmd)
	addWaitFlag(cmd)
	return cmd
}

func runMigrate(cmd *cobra.Command, _ []string) error {
	cfg, _, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	wait, _ := cmd.Flags().GetDuration("wait")
	steps, err := run.Migrate(cmd.Context(), cfg, wait)
	for _, s := range steps {
		fmt.Fprintln(cmd.OutOrStdout(), s)
	}
	if err != nil {
		return err
	}
	if len(steps) == 0 {
		fmt.Fprintln(cmd.OutOrStdout(), "warehouse is up to date: nothing to migrate")
	}
	return nil
}
