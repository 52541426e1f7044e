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
	err := root.ExecuteContext(ctx)
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
		return exitUsage
	}
	return exitCode(err)
}

// usageError marks a wrong command line.
type usageError struct{ error }

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
	return root
}

// newLogger returns a text logger on a terminal and a JSON logger
// otherwise, writing to stderr.
func newLogger(cmd *cobra.Command) (*slog.Logger, error) {
	name, _ := cmd.Flags().GetString("log-level")
	var level slog.Level
	if err := level.UnmarshalText([]byte(name)); err != nil {
		return nil, usageError{fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", name)}
	}
	out := cmd.ErrOrStderr()
	opts := &slog.HandlerOptions{Level: level}
	if isTerminal(out) {
		return slog.New(slog.NewTextHandler(out, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(out, opts)), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
