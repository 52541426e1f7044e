package main

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"evidencepack/config"
	"evidencepack/jobs/run"
)

func newRunCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run --config FILE [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD]",
		Short: "Extract, transform, load and render for one logical date or a date range",
		Long: `run processes one window of logical dates: it reads every source, writes
Parquet facts under <output_dir>/facts, replaces the window's partitions in
the warehouse, and renders the packs of every period the window touches.
With no date it processes yesterday in the config's time zone.`,
		Args: cobra.NoArgs,
		RunE: runRun,
	}
	addConfigFlag(cmd)
	cmd.Flags().String("date", "", "logical date to process, YYYY-MM-DD (default: yesterday)")
	cmd.Flags().String("from", "", "first logical date of a backfill, YYYY-MM-DD")
	cmd.Flags().String("to", "", "last logical date of a backfill, YYYY-MM-DD, inclusive")
	cmd.Flags().String("shard", "",
		"run shard I/N: extract and write only the input files whose path hashes to I modulo N, and skip load and render")
	cmd.Flags().Bool("finalize", false,
		"load the Parquet files of every shard of the window in one load per table and date, then check and render")
	addWaitFlag(cmd)
	addProfileFlags(cmd)
	return cmd
}

// addWaitFlag adds --wait, the time to wait for another run's lock.
func addWaitFlag(cmd *cobra.Command) {
	cmd.Flags().Duration("wait", 0,
		"how long to wait for another run holding the lock on the output directory, such as 10m (default: fail at once)")
}

func runRun(cmd *cobra.Command, _ []string) error {
	cfg, raw, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	from, to, err := window(cmd, cfg, time.Now())
	if err != nil {
		return err
	}
	log, err := newLogger(cmd)
	if err != nil {
		return err
	}
	wait, _ := cmd.Flags().GetDuration("wait")
	key, err := hmacKey(cfg)
	if err != nil {
		return err
	}
	stopProfiles, err := startProfiles(cmd)
	if err != nil {
		return err
	}
	shardText, _ := cmd.Flags().GetString("shard")
	finalize, _ := cmd.Flags().GetBool("finalize")
	if shardText != "" && finalize {
		return usageError{fmt.Errorf("--shard and --finalize exclude each other: run every shard, then --finalize")}
	}
	var shard run.Shard
	if shardText != "" {
		if shard, err = run.ParseShard(shardText); err != nil {
			return usageError{err}
		}
	}
	obs := startOneShot(cmd, cfg, log, to)
	opts := run.Options{From: from, To: to, ConfigBytes: raw, Logger: obs.log,
		LockWait: wait, HMACKey: key, Endpoints: endpointsFromEnv()}
	var m *run.Manifest
	switch {
	case shardText != "":
		m, err = run.RunShard(cmd.Context(), cfg, opts, shard)
	case finalize:
		m, err = run.Finalize(cmd.Context(), cfg, opts)
	default:
		m, err = run.Run(cmd.Context(), cfg, opts)
	}
	obs.finish(m, err)
	if perr := stopProfiles(); perr != nil && err == nil {
		err = perr
	}
	printSummary(cmd.OutOrStdout(), cfg, m)
	return err
}

// window returns the dates to process from --date, --from/--to or the
// default of yesterday, widened by the config's lookback_days.
func window(cmd *cobra.Command, cfg *config.Config, now time.Time) (time.Time, time.Time, error) {
	date, _ := cmd.Flags().GetString("date")
	fromText, _ := cmd.Flags().GetString("from")
	toText, _ := cmd.Flags().GetString("to")
	switch {
	case date != "" && (fromText != "" || toText != ""):
		return time.Time{}, time.Time{}, usageError{fmt.Errorf("use --date or --from/--to, not both")}
	case (fromText == "") != (toText == ""):
		return time.Time{}, time.Time{}, usageError{fmt.Errorf("--from and --to go together")}
	case date != "":
		d, err := parseDate("date", date)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		return d.AddDate(0, 0, -cfg.LookbackDays), d, nil
	case fromText == "":
		loc, err := time.LoadLocation(cfg.TimeZone)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("%w: time_zone: %w", config.ErrInvalid, err)
		}
		y := now.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
		fromText, toText = y, y
	}
	from, err := parseDate("from", fromText)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	to, err := parseDate("to", toText)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if to.Before(from) {
		return time.Time{}, time.Time{}, usageError{fmt.Errorf("--to %s is before --from %s", toText, fromText)}
	}
	return from.AddDate(0, 0, -cfg.LookbackDays), to, nil
}

func parseDate(flag, v string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("invalid --%s %q: use YYYY-MM-DD", flag, v)}
	}
	return t, nil
}

// printSummary writes the per-source counts, the packs and where the
// outputs are.
func printSummary(w io.Writer, cfg *config.Config, m *run.Manifest) {
	if m == nil {
		return
	}
	fmt.Fprintf(w, "run %s %s for %s..%s\n", m.RunID, m.Status, m.From, m.To)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "source\ttable\tread\tloaded\tquarantined\tduplicates\toutside window\t")
	names := make([]string, 0, len(m.Sources))
	for name := range m.Sources {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := m.Sources[name]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", name, s.Table, s.Records, s.Facts,
			s.Rejected, s.Duplicates, s.OutOfWindow)
	}
	tw.Flush()
	out := cfg.Resolve(cfg.OutputDir)
	fmt.Fprintf(w, "partitions replaced: %d\n", len(m.Partitions))
	fmt.Fprintf(w, "packs written: %d (%d files) under %s/packs\n", countPacks(m.Packs), len(m.Packs), out)
	fmt.Fprintf(w, "facts: %s/facts  quarantine: %s/quarantine  manifest: %s\n", out, out,
		m.File)
	if cfg.Warehouse.Kind == "duckdb" {
		fmt.Fprintf(w, "warehouse: %s\n", cfg.Resolve(cfg.Warehouse.Path))
	}
	if m.Error != "" {
		fmt.Fprintf(w, "%s at step %s: %s\n", m.Status, m.FailedStep, m.Error)
	}
}

// countPacks counts account packs: one pack is written in several formats.
func countPacks(files []run.PackFile) int {
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.AccountID+"\x00"+f.Period] = true
	}
	return len(seen)
}
