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
provenance. Changed or missing fact files are printed first and left out of
the rebuild. It prints one line per pack file: match or differs for the
rebuilt file, "not rebuilt" when its account left the config, and "changed on
disk" or "missing" when the file on disk no longer has the hash that the run,
or the newest later run that wrote the same path, recorded. It exits 0 only
when every pack matches, no pack file on disk changed or is gone, and no fact
file changed or is gone, and 1 otherwise.`,
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
	if !run.ValidRunID(runID) {
		return usageError{fmt.Errorf("invalid --run %q: expected run- and hex digits, as `evidencepack runs` lists them", runID)}
	}
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
		fmt.Fprintf(w, "fact changed  %s (sha256 on disk %s, recorded %s)\n", f.File, f.DiskSHA256, f.SHA256)
	}
	for _, f := range report.MissingFacts {
		fmt.Fprintf(w, "fact missing  %s (recorded sha256 %s)\n", f.File, f.SHA256)
	}
	if n := report.FactsLeftOut(); n > 0 {
		fmt.Fprintf(w, "note: the rebuild left out the %d changed or missing fact files, so packs rendered from them differ\n", n)
	}
	if report.ConfigChanged {
		fmt.Fprintln(w, "note: the config file differs from the run's, so packs may differ for that reason")
	}
	if report.ViewsChanged {
		fmt.Fprintln(w, "note: the view SQL of this build differs from the run's, so packs may differ for that reason")
	}
	matched, changed, missing, replaced := 0, 0, 0, 0
	for _, p := range report.Packs {
		if p.Status == run.PackMatch {
			matched++
		}
		status := p.Status
		switch p.Disk {
		case run.DiskChanged:
			changed++
			status = p.Disk
		case run.DiskMissing:
			missing++
			status = p.Disk
		case run.DiskReplaced:
			replaced++
		}
		line := fmt.Sprintf("%-15s %s", status, p.Path)
		detail := p.Detail
		if p.Tampered() {
			// The status column shows the file on disk, so the detail
			// names the outcome of the rebuild.
			detail = "rebuilt: " + p.Status + "; " + detail
		}
		if detail != "" {
			line += " (" + detail + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "replay %s: %d of %d pack files rebuilt to the recorded bytes; on disk %d changed, %d missing, %d replaced by later runs; %d fact files changed, %d missing\n",
		report.RunID, matched, len(report.Packs), changed, missing, replaced, len(report.ChangedFacts), len(report.MissingFacts))
}
