// Command evidencepack-bench measures the extract, transform and Parquet
// write path of evidencepack against DuckDB's own conversion of the same
// input, and the time of a nightly run on top of a year of history.
//
// With no subcommand it generates the inputs, runs every case in a child
// process, prints a table and writes it into docs/benchmarks.md. The
// subcommands extract and duckdb are those child processes.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "evidencepack-bench:", err)
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "extract":
			return childMain(ctx, args[1:], runExtract)
		case "duckdb":
			return childMain(ctx, args[1:], runDuckDB)
		}
	}
	return driverMain(ctx, args)
}

// childResult is the JSON output of a child process on stdout.
type childResult struct {
	Seconds    float64 `json:"seconds"` // wall time of the measured work
	Rows       int64   `json:"rows"`
	Facts      int64   `json:"facts"`
	Duplicates int64   `json:"duplicates"`
	Rejected   int64   `json:"rejected"`
	Partitions int     `json:"partitions"`
}

// childMain parses the flags of a child process, runs it and prints its
// result.
func childMain(ctx context.Context, args []string, run func(context.Context, benchCase, string, string) (childResult, error)) (err error) {
	fs := flag.NewFlagSet("child", flag.ContinueOnError)
	name := fs.String("case", "", "case name")
	input := fs.String("input", "", "input folder")
	output := fs.String("output", "", "output folder")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the child to this file")
	memProfile := fs.String("memprofile", "", "write the heap profile taken when the Go heap was largest to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *memProfile != "" {
		finish, err := startPeakHeapProfile(*memProfile)
		if err != nil {
			return err
		}
		defer func() {
			if ferr := finish(); ferr != nil && err == nil {
				err = ferr
			}
		}()
	}
	if *profile != "" {
		stop, err := startCPUProfile(*profile)
		if err != nil {
			return err
		}
		defer stop()
	}
	c, err := caseNamed(*name)
	if err != nil {
		return err
	}
	res, err := run(ctx, c, *input, *output)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// driverOptions are the flags of the benchmark driver.
type driverOptions struct {
	rows    []int
	cases   []string
	dir     string
	doc     string
	bin     string
	nightly bool
	command string
	only    map[string]int // cases limited to one row count
}

func parseDriverFlags(args []string) (driverOptions, error) {
	fs := flag.NewFlagSet("evidencepack-bench", flag.ContinueOnError)
	rows := fs.String("rows", envOr("BENCH_ROWS", "1000000,5000000"), "comma-separated row counts of each case (default from BENCH_ROWS)")
	names := fs.String("cases", envOr("BENCH_CASES", ""),
		"comma-separated cases to run, NAME or NAME@ROWS to run a case at one row count only (default: all, or BENCH_CASES)")
	dir := fs.String("dir", "out/bench", "folder for generated inputs and outputs")
	doc := fs.String("doc", "docs/benchmarks.md", "Markdown file whose results section is rewritten; empty writes none")
	bin := fs.String("bin", "bin/evidencepack", "evidencepack binary for the nightly measurement")
	nightly := fs.Bool("nightly", true, "measure a nightly run on top of a year of history")
	if err := fs.Parse(args); err != nil {
		return driverOptions{}, err
	}
	o := driverOptions{dir: *dir, doc: *doc, bin: *bin, nightly: *nightly,
		command: commandLine(args)}
	for _, s := range strings.Split(*rows, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("invalid row count %q in -rows: expected positive integers separated by commas", s)
		}
		o.rows = append(o.rows, n)
	}
	o.only = map[string]int{}
	for _, c := range cases {
		if *names == "" {
			o.cases = append(o.cases, c.name)
		}
	}
	for _, item := range strings.Split(*names, ",") {
		name, rows, sized := strings.Cut(strings.TrimSpace(item), "@")
		if name == "" {
			continue
		}
		if _, err := caseNamed(name); err != nil {
			return o, err
		}
		o.cases = append(o.cases, name)
		if sized {
			n, err := strconv.Atoi(rows)
			if err != nil {
				return o, fmt.Errorf("invalid row count in -cases item %q: expected NAME@ROWS", item)
			}
			o.only[name] = n
		}
	}
	return o, nil
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start CPU profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// commandLine returns the command as run, with the BENCH_ variables that
// changed its defaults.
func commandLine(args []string) string {
	var words []string
	for _, name := range []string{"BENCH_ROWS", "BENCH_CASES"} {
		if v := os.Getenv(name); v != "" {
			words = append(words, name+"="+v)
		}
	}
	words = append(words, "evidencepack-bench")
	return strings.Join(append(words, args...), " ")
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
