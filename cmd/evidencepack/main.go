// Command evidencepack extracts usage, review labels, costs and incidents
// per customer account, writes them as Parquet facts, loads them into a
// warehouse and renders a renewal evidence pack per account and period.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"evidencepack/config"
	"evidencepack/jobs/finance"
	"evidencepack/jobs/run"
)

// Exit codes, documented in the README.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitConfig    = 3
	exitInput     = 4
	exitBudget    = 5
	exitWarehouse = 6
	// exitDifference is reconcile finding a loaded cost total that differs
	// from its source total.
	exitDifference = 7
	// exitCheck is a data quality check or source freshness of severity
	// error that failed.
	exitCheck     = 8
	exitCancelled = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "evidencepack:", err)
	if ctx.Err() != nil {
		// A signal interrupts DuckDB queries with errors of their own, so
		// the cancelled context decides the exit code.
		return exitCancelled
	}
	if strings.HasPrefix(err.Error(), "unknown command") {
		err = usageError{err}
	}
	code := exitCode(err)
	if code == exitUsage && cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// usageError marks a wrong command line.
type usageError struct{ error }

// Unwrap returns the error that usageError marks.
func (e usageError) Unwrap() error { return e.error }

// checkCommandLine rejects the usage errors that cobra reports without
// its flag error function: a required flag that is not set, flags of a
// group used apart, and an unknown --log-level. It runs before every
// command, in place of cobra's own required flag check.
func checkCommandLine(cmd *cobra.Command, _ []string) error {
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return usageError{err}
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return usageError{err}
	}
	if _, err := logLevel(cmd); err != nil {
		return err
	}
	return nil
}

// markArgsUsageErrors wraps the positional argument check of cmd and its
// subcommands, so that extra or missing arguments exit with exitUsage.
func markArgsUsageErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		markArgsUsageErrors(sub)
	}
}

func exitCode(err error) int {
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitCancelled
	case errors.Is(err, config.ErrInvalid):
		return exitConfig
	case errors.Is(err, run.ErrBudget):
		return exitBudget
	case errors.Is(err, run.ErrInput):
		return exitInput
	case errors.Is(err, run.ErrWarehouse):
		return exitWarehouse
	case errors.Is(err, finance.ErrDifference):
		return exitDifference
	case errors.Is(err, run.ErrCheck):
		return exitCheck
	}
	return exitFailure
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "evidencepack",
		Short: "Build per-account renewal evidence packs from usage, reviews, costs and incidents",
		Long: `evidencepack extracts product usage, human review labels, cost lines and
incident logs per customer account, writes them as Parquet facts, loads them
into a warehouse (embedded DuckDB) and renders one evidence pack per account
and period from SQL views.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().String("log-level", "info", "log level: debug, info, warn or error")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// No subcommand sets a PersistentPreRunE of its own, so this one runs
	// before each of them.
	root.PersistentPreRunE = checkCommandLine
	root.AddCommand(
		newRunCommand(),
		newValidateCommand(),
		newRenderCommand(),
		newRunsCommand(),
		newDemoDataCommand(),
		newReconcileCommand(),
		newScheduleCommand(),
		newReplayCommand(),
		newCheckCommand(),
		newMigrateCommand(),
	)
	markArgsUsageErrors(root)
	return root
}

// newLogger returns a text logger on a terminal and a JSON logger
// otherwise, writing to stderr.
func newLogger(cmd *cobra.Command) (*slog.Logger, error) {
	level, err := logLevel(cmd)
	if err != nil {
		return nil, err
	}
	out := cmd.ErrOrStderr()
	opts := &slog.HandlerOptions{Level: level}
	if isTerminal(out) {
		return slog.New(slog.NewTextHandler(out, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(out, opts)), nil
}

// logLevel parses --log-level. slog also accepts offsets such as
// "warn+2", which are passed through.
func logLevel(cmd *cobra.Command) (slog.Level, error) {
	name, _ := cmd.Flags().GetString("log-level")
	var level slog.Level
	if err := level.UnmarshalText([]byte(name)); err != nil {
		return 0, usageError{fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", name)}
	}
	return level, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
