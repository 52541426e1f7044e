package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"evidencepack/jobs/run"
)

func newValidateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate --config FILE [--date D | --from D --to D]",
		Short: "Check the config and read every input without writing anything",
		Long: `validate loads and checks the config, then reads every input file of the
window and reports per source how many records would load and how many would
be quarantined, with the first reasons. It writes nothing. It exits non-zero
when the config is invalid, the pseudonym key is missing or too short, the
output directory cannot be created or written, an input cannot be read, or a
source's rejects exceed its max_reject_ratio.`,
		Args: cobra.NoArgs,
		RunE: runValidate,
	}
	addConfigFlag(cmd)
	cmd.Flags().String("date", "", "logical date to check, YYYY-MM-DD (default: yesterday)")
	cmd.Flags().String("from", "", "first logical date, YYYY-MM-DD")
	cmd.Flags().String("to", "", "last logical date, YYYY-MM-DD, inclusive")
	cmd.Flags().Bool("warehouse", false,
		"also check BigQuery credentials, dataset access and table schemas, and print the tables and columns a run would add")
	return cmd
}

func runValidate(cmd *cobra.Command, _ []string) error {
	cfg, _, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	from, to, err := window(cmd, cfg, time.Now())
	if err != nil {
		return err
	}
	// The checks that run makes before it reads any input.
	if _, err := hmacKey(cfg); err != nil {
		return err
	}
	if err := run.CheckOutputDir(cfg.Resolve(cfg.OutputDir)); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "config %s: valid (%d sources, %d accounts)\n",
		cmd.Flag("config").Value, len(cfg.Sources), len(cfg.Accounts))
	if check, _ := cmd.Flags().GetBool("warehouse"); check {
		if err := validateWarehouse(cmd.Context(), out, cfg); err != nil {
			return err
		}
	}
	checks, err := run.Validate(cmd.Context(), cfg, from, to)
	var over []string
	for i, c := range checks {
		ratio := 0.0
		if c.Counts.Records > 0 {
			ratio = float64(c.Counts.Rejected) / float64(c.Counts.Records)
		}
		fmt.Fprintf(out, "source %s: %d files, %d records, %d valid, %d rejected (%.2f%%)\n",
			c.Source, c.Files, c.Counts.Records, c.Counts.Facts, c.Counts.Rejected, 100*ratio)
		for _, r := range c.Samples {
			fmt.Fprintf(out, "  %s\n", r.Error())
		}
		if max := *cfg.Sources[i].MaxRejectRatio; ratio > max {
			over = append(over, fmt.Sprintf("%s (%.2f%% > %.2f%%)", c.Source, 100*ratio, 100*max))
		}
	}
	if err != nil {
		return err
	}
	if len(over) > 0 {
		return fmt.Errorf("%w: %v", run.ErrBudget, over)
	}
	return nil
}
