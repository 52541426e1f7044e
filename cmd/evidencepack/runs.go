package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"evidencepack/config"
	"evidencepack/jobs/finance"
	"evidencepack/jobs/run"
)

func newRunsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runs --config FILE",
		Short: "List recent runs with their status, window and failed step",
		Args:  cobra.NoArgs,
		RunE:  runRuns,
	}
	addConfigFlag(cmd)
	cmd.Flags().Int("limit", 20, "number of runs to list, newest first")
	addWaitFlag(cmd)
	return cmd
}

func runRuns(cmd *cobra.Command, _ []string) error {
	cfg, _, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	limit, _ := cmd.Flags().GetInt("limit")
	if cfg.Warehouse.Kind != "duckdb" {
		return fmt.Errorf("%w: runs lists the runs of a DuckDB warehouse, and this config's warehouse is %s",
			config.ErrInvalid, cfg.Warehouse.Kind)
	}
	lock, err := lockForReading(cmd, cfg)
	if err != nil {
		return err
	}
	defer lock.Release()
	path := cfg.Resolve(cfg.Warehouse.Path)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(cmd.OutOrStdout(), "no runs yet: the warehouse %s does not exist until the first `evidencepack run`\n", path)
		return nil
	}
	db, err := finance.OpenWarehouse(cmd.Context(), path)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(cmd.Context(), `
		SELECT run_id, status, strftime(started_at, '%Y-%m-%dT%H:%M:%SZ'), CAST(date_from AS VARCHAR),
			CAST(date_to AS VARCHAR), coalesce(failed_step, ''), coalesce(error, '')
		FROM runs ORDER BY started_at DESC LIMIT ?`, limit)
	if err != nil {
		return fmt.Errorf("%w: list runs: %w", run.ErrWarehouse, err)
	}
	defer rows.Close()
	return printRuns(cmd, rows)
}

func printRuns(cmd *cobra.Command, rows *sql.Rows) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN ID\tSTATUS\tSTARTED\tFROM\tTO\tFAILED STEP\tERROR")
	for rows.Next() {
		var id, status, started, from, to, step, msg string
		if err := rows.Scan(&id, &status, &started, &from, &to, &step, &msg); err != nil {
			return fmt.Errorf("read runs: %w", err)
		}
		msg = strings.Join(strings.Fields(msg), " ")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, status, started, from, to, step, msg)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read runs: %w", err)
	}
	return tw.Flush()
}
