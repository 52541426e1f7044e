package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"evidencepack/jobs/demo"
)

func newDemoDataCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo-data --out DIR",
		Short: "Write deterministic demo inputs in the four real formats",
		Long: `demo-data writes a quarter of made-up inputs for about 25 accounts: Segment
track events, Label Studio exports, FOCUS cost exports (CSV and Parquet),
PagerDuty incident lists and an accounts CSV. The same seed writes the same
bytes. config/demo.yaml reads the files from out/demo-input.`,
		Args: cobra.NoArgs,
		RunE: runDemoData,
	}
	cmd.Flags().String("out", "out/demo-input", "directory to write the inputs to")
	cmd.Flags().Int64("seed", 1, "random seed")
	cmd.Flags().Int("accounts", demo.DefaultAccounts, "number of accounts")
	cmd.Flags().Float64("scale", demo.DefaultScale, "multiplier of the event volume")
	cmd.Flags().String("from", demo.DefaultFrom.Format(time.DateOnly), "first date, YYYY-MM-DD")
	cmd.Flags().String("to", demo.DefaultTo.Format(time.DateOnly), "last date, YYYY-MM-DD, inclusive")
	return cmd
}

func runDemoData(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	dir, _ := f.GetString("out")
	seed, _ := f.GetInt64("seed")
	accounts, _ := f.GetInt("accounts")
	scale, _ := f.GetFloat64("scale")
	fromText, _ := f.GetString("from")
	toText, _ := f.GetString("to")
	from, err := parseDate("from", fromText)
	if err != nil {
		return err
	}
	to, err := parseDate("to", toText)
	if err != nil {
		return err
	}
	opts := demo.Options{Seed: seed, Accounts: accounts, From: from, To: to, Scale: scale}
	sum, err := demo.Generate(cmd.Context(), dir, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "demo inputs written to %s\n%s", dir, sum)
	return nil
}
