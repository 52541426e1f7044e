package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// measurement is one child process run: its own timing and counts, and
// the peak resident set size the kernel reports for it.
type measurement struct {
	childResult
	PeakRSS int64 // bytes
}

// result is one row of the table: a case at one size, both tools.
type result struct {
	name       string
	rows       int
	inputBytes int64
	ours, duck measurement
}

func driverMain(ctx context.Context, args []string) error {
	o, err := parseDriverFlags(args)
	if err != nil {
		return err
	}
	var results []result
	for _, rows := range o.rows {
		for _, name := range o.cases {
			if n, ok := o.only[name]; ok && n != rows {
				continue
			}
			res, err := benchOne(ctx, o, name, rows)
			if err != nil {
				return err
			}
			results = append(results, res)
			fmt.Fprintln(os.Stderr, formatRow(res))
		}
	}
	var nightly *nightlyResult
	if o.nightly {
		// A failed nightly measurement is reported in the table, so the
		// case results of a long run are not lost.
		if nightly, err = measureNightly(ctx, o); err != nil {
			fmt.Fprintln(os.Stderr, "nightly measurement failed:", err)
			nightly = &nightlyResult{err: err}
		}
	}
	report := formatReport(o, results, nightly)
	fmt.Print(report)
	if o.doc == "" {
		return nil
	}
	return writeDoc(o.doc, report)
}

// benchOne generates the input of a case when it is not there yet and
// runs evidencepack and DuckDB on it, each in a child process.
func benchOne(ctx context.Context, o driverOptions, name string, rows int) (result, error) {
	c, err := caseNamed(name)
	if err != nil {
		return result{}, err
	}
	input, err := filepath.Abs(filepath.Join(o.dir, "input", strconv.Itoa(rows), name))
	if err != nil {
		return result{}, err
	}
	if err := ensureInput(ctx, c, input, rows); err != nil {
		return result{}, err
	}
	res := result{name: name, rows: rows}
	if res.inputBytes, err = dirSize(input); err != nil {
		return result{}, err
	}
	output, _ := filepath.Abs(filepath.Join(o.dir, "output", name))
	if res.ours, err = runChild(ctx, "extract", name, input, filepath.Join(output, "evidencepack")); err != nil {
		return result{}, err
	}
	if res.duck, err = runChild(ctx, "duckdb", name, input, filepath.Join(output, "duckdb")); err != nil {
		return result{}, err
	}
	return res, os.RemoveAll(output)
}

// ensureInput generates a case's input unless a complete one is there,
// marked by a .complete file.
func ensureInput(ctx context.Context, c benchCase, dir string, rows int) error {
	marker := filepath.Join(dir, ".complete")
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clear %s: %w", dir, err)
	}
	start := time.Now()
	if err := c.generate(ctx, dir, rows); err != nil {
		return fmt.Errorf("generate %s: %w", c.name, err)
	}
	fmt.Fprintf(os.Stderr, "generated %s, %d rows, in %.1fs\n", c.name, rows, time.Since(start).Seconds())
	return os.WriteFile(marker, nil, 0o644)
}

func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	return total, err
}

// runChild runs this program's extract or duckdb subcommand in a fresh
// output folder and returns its result and peak RSS.
func runChild(ctx context.Context, sub, name, input, output string) (measurement, error) {
	if err := os.RemoveAll(output); err != nil {
		return measurement{}, fmt.Errorf("clear %s: %w", output, err)
	}
	self, err := os.Executable()
	if err != nil {
		return measurement{}, fmt.Errorf("find own executable: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, sub, "-case", name, "-input", input, "-output", output)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return measurement{}, fmt.Errorf("%s %s: %w", sub, name, err)
	}
	var m measurement
	if err := json.Unmarshal(stdout.Bytes(), &m.childResult); err != nil {
		return measurement{}, fmt.Errorf("%s %s: decode result %q: %w", sub, name, stdout.String(), err)
	}
	m.PeakRSS = peakRSS(cmd.ProcessState)
	return m, nil
}

// peakRSS returns the child's maximum resident set size. Linux reports
// ru_maxrss in KiB.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
