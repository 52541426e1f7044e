package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"evidencepack/jobs/run"
)

func newReplayCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replay --config FILE --run ID",
		Short: "Rebuild the packs of a past run from its facts and compare them",
		Long: `replay reads the manifest of a past run, checks that the Parquet facts its
packs were rendered from still have their recorded SHA-256, loads them into a
temporary DuckDB database and renders the run's packs again with the same
provenance. It prints one line per pack file (match, differs or missing) and
exits 0 only when every pack matches and no fact file changed.`,
		Args: cobra.NoArgs,
		RunE: runReplay,
	}
	addConfigFlag(cmd)
	cmd.Flags().String("run", "", "id of the run to replay, as `evidencepack runs` lists it (required)")
	addWaitFlag(cmd)
	_ = cmd.MarkFlagRequired("run")
	return cmd
}

func runReplay(cmd *cobra.Command, _ []string) error {
	cfg, raw, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	runID, _ := cmd.Flags().GetString("run")
	// The lock keeps a run from replacing the facts while they are hashed
	// and loaded.
	lock, err := lockForReading(cmd, cfg)
	if err != nil {
		return err
	}
	defer lock.Release()
	report, err := run.Replay(cmd.Context(), cfg, runID, raw)
	if err != nil {
		return err
	}
	printReplay(cmd.OutOrStdout(), report)
	if !report.Matches() {
		return fmt.Errorf("%w: run %s; see the lines above", run.ErrReplayMismatch, runID)
	}
	return nil
}

func printReplay(w io.Writer, report *run.ReplayReport) {
	for _, f := range report.ChangedFacts {
		fmt.Fprintf(w, "fact changed  %s (recorded sha256 %s)\n", f.File, f.SHA256)
	}
	if report.ConfigChanged {
		fmt.Fprintln(w, "note: the config file differs from the run's, so packs may differ for that reason")
	}
	if report.ViewsChanged {
		fmt.Fprintln(w, "note: the view SQL of this build differs from the run's, so packs may differ for that reason")
	}
	matched := 0
	for _, p := range report.Packs {
		if p.Status == run.PackMatch {
			matched++
		}
		line := fmt.Sprintf("%-8s %s", p.Status, p.Path)
		if p.Detail != "" {
			line += " (" + p.Detail + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "replay %s: %d of %d pack files match, %d fact files changed\n",
		report.RunID, matched, len(report.Packs), len(report.ChangedFacts))
}
