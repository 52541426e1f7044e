package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"evidencepack/jobs/render"
	"evidencepack/jobs/run"
)

func newRenderCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "render --config FILE --period PERIOD [--all | --account ID...]",
		Short: "Render evidence packs from the warehouse without extracting",
		Long: `render writes the packs of one or more periods from the facts already in the
warehouse. A period is a quarter (2026-Q3) or a month (2026-07). The packs
name the latest successful run as their provenance. With --all, the default
when no --account is given, it renders every account of the config that
accounts_allow lets through and, when html is a pack format, also writes
the period's index.html. Each period takes the same number of warehouse
queries however many accounts it renders.`,
		Args: cobra.NoArgs,
		RunE: runRender,
	}
	addConfigFlag(cmd)
	cmd.Flags().StringSlice("period", nil, "period to render: 2026-Q3 or 2026-07 (repeatable, required)")
	cmd.Flags().StringSlice("account", nil, "account id to render (repeatable; default: every account)")
	cmd.Flags().Bool("all", false, "render every account of the config and the index page (the default without --account)")
	addWaitFlag(cmd)
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

func runRender(cmd *cobra.Command, _ []string) error {
	cfg, _, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	periods, _ := cmd.Flags().GetStringSlice("period")
	for _, p := range periods {
		if _, err := render.ParsePeriod(p); err != nil {
			return usageError{fmt.Errorf("invalid --period %q: use 2026-Q3 or 2026-07", p)}
		}
	}
	accounts, _ := cmd.Flags().GetStringSlice("account")
	if all, _ := cmd.Flags().GetBool("all"); all && len(accounts) > 0 {
		return usageError{fmt.Errorf("--all and --account exclude each other: give one of them")}
	}
	wait, _ := cmd.Flags().GetDuration("wait")
	files, err := run.Render(cmd.Context(), cfg, run.RenderOptions{Periods: periods, Accounts: accounts,
		LockWait: wait, Endpoints: endpointsFromEnv()})
	for _, f := range files {
		fmt.Fprintln(cmd.OutOrStdout(), f)
	}
	return err
}
