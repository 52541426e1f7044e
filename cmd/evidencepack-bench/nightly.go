package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"evidencepack/jobs/demo"
)

// The nightly measurement: demo data for a year, one run that loads the
// first 364 days, then the run of the last day timed on that warehouse
// and on an empty one.
var (
	historyFrom = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	nightlyDate = time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
)

const (
	nightlyScale   = 1.0
	nightlyRepeats = 3
)

type nightlyResult struct {
	empty, history []time.Duration
	// emptySteps and historySteps are the step timings of each run's
	// manifest, in the order of empty and history.
	emptySteps, historySteps [][]stepTiming
	backfill                 time.Duration
	err                      error
}

// stepTiming is one entry of the steps list of a run manifest.
type stepTiming struct {
	Step    string  `json:"step"`
	Seconds float64 `json:"seconds"`
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// medianSteps returns the step names in the order of the first run and
// the median seconds of each step over runs. The last entry is the rest
// of the wall time: process start, the manifest and the run record.
func medianSteps(runs [][]stepTiming, walls []time.Duration) ([]string, []float64) {
	var names []string
	for _, s := range runs[0] {
		names = append(names, s.Step)
	}
	medians := make([]float64, 0, len(names)+1)
	for _, name := range names {
		var ds []time.Duration
		for _, run := range runs {
			for _, s := range run {
				if s.Step == name {
					ds = append(ds, time.Duration(s.Seconds*float64(time.Second)))
				}
			}
		}
		medians = append(medians, median(ds).Seconds())
	}
	var rest []time.Duration
	for i, run := range runs {
		d := walls[i]
		for _, s := range run {
			d -= time.Duration(s.Seconds * float64(time.Second))
		}
		rest = append(rest, d)
	}
	return append(names, "outside the steps"), append(medians, median(rest).Seconds())
}

func (n *nightlyResult) format() string {
	if n.err != nil {
		return fmt.Sprintf("Nightly run: the measurement failed: %v\n", n.err)
	}
	e, h := median(n.empty), median(n.history)
	return fmt.Sprintf("Nightly run (`evidencepack run --date %s`, load and render included) on demo data "+
		"of %s..%s at scale %.1f, median of %d runs:\n\n"+
		"| warehouse | nightly run s | ratio |\n|---|---:|---:|\n"+
		"| empty | %.2f | 1.00× |\n| 364 days of history (loaded by one backfill run in %.1f s) | %.2f | %.2f× |\n",
		nightlyDate.Format(time.DateOnly), historyFrom.Format(time.DateOnly), nightlyDate.Format(time.DateOnly),
		nightlyScale, nightlyRepeats, e.Seconds(), n.backfill.Seconds(), h.Seconds(), h.Seconds()/e.Seconds()) +
		n.formatSteps()
}

// formatSteps returns the table of median seconds per step from the run
// manifests, or nothing when a manifest could not be read.
func (n *nightlyResult) formatSteps() string {
	if len(n.emptySteps) != len(n.empty) || len(n.historySteps) != len(n.history) || len(n.empty) == 0 {
		return ""
	}
	names, empty := medianSteps(n.emptySteps, n.empty)
	historyNames, history := medianSteps(n.historySteps, n.history)
	if !slices.Equal(names, historyNames) {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nMedian seconds per step of the same runs (the run manifests' `steps`):\n\n" +
		"| step | empty | 364 days of history |\n|---|---:|---:|\n")
	for i, name := range names {
		fmt.Fprintf(&b, "| %s | %.2f | %.2f |\n", name, empty[i], history[i])
	}
	return b.String()
}

// measureNightly times the real binary's nightly run with and without a
// year of history in the warehouse.
func measureNightly(ctx context.Context, o driverOptions) (*nightlyResult, error) {
	root, err := filepath.Abs(filepath.Join(o.dir, "nightly"))
	if err != nil {
		return nil, err
	}
	input := filepath.Join(root, "demo-input")
	if err := ensureDemoYear(ctx, input); err != nil {
		return nil, err
	}
	res := &nightlyResult{}
	history := filepath.Join(root, "history")
	if err := os.RemoveAll(history); err != nil {
		return nil, fmt.Errorf("clear %s: %w", history, err)
	}
	backfill := []string{"--from", historyFrom.Format(time.DateOnly), "--to", nightlyDate.AddDate(0, 0, -1).Format(time.DateOnly)}
	if res.backfill, err = timedRun(ctx, o.bin, input, history, backfill); err != nil {
		return nil, err
	}
	nightly := []string{"--date", nightlyDate.Format(time.DateOnly)}
	for i := range nightlyRepeats {
		empty := filepath.Join(root, fmt.Sprintf("empty-%d", i))
		if err := os.RemoveAll(empty); err != nil {
			return nil, fmt.Errorf("clear %s: %w", empty, err)
		}
		d, err := timedRun(ctx, o.bin, input, empty, nightly)
		if err != nil {
			return nil, err
		}
		res.empty = append(res.empty, d)
		if steps, err := newestSteps(empty); err == nil {
			res.emptySteps = append(res.emptySteps, steps)
		} else {
			fmt.Fprintln(os.Stderr, "nightly run steps not reported:", err)
		}
		if d, err = timedRun(ctx, o.bin, input, history, nightly); err != nil {
			return nil, err
		}
		res.history = append(res.history, d)
		if steps, err := newestSteps(history); err == nil {
			res.historySteps = append(res.historySteps, steps)
		} else {
			fmt.Fprintln(os.Stderr, "nightly run steps not reported:", err)
		}
	}
	return res, nil
}

// newestSteps returns the step timings of the newest manifest under
// output/runs, which the run just wrote.
func newestSteps(output string) ([]stepTiming, error) {
	paths, err := filepath.Glob(filepath.Join(output, "runs", "*.json"))
	if err != nil {
		return nil, err
	}

	var newest string
	var newestTime time.Time
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if newest == "" || info.ModTime().After(newestTime) {
			newest, newestTime = p, info.ModTime()
		}
	}
	if newest == "" {
		return nil, fmt.Errorf("no run manifest under %s", output)
	}

	data, err := os.ReadFile(newest)
	if err != nil {
		return nil, fmt.Errorf("read the run manifest: %w", err)
	}
	var m struct {
		Steps []stepTiming `json:"steps"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode %s: %w", newest, err)
	}
	if len(m.Steps) == 0 {
		return nil, fmt.Errorf("%s lists no steps", newest)
	}
	return m.Steps, nil
}

func ensureDemoYear(ctx context.Context, dir string) error {
	marker := filepath.Join(dir, ".complete")
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	opts := demo.Options{Seed: 1, From: historyFrom, To: nightlyDate, Scale: nightlyScale}
	if _, err := demo.Generate(ctx, dir, opts); err != nil {
		return fmt.Errorf("generate a year of demo data: %w", err)
	}
	return os.WriteFile(marker, nil, 0o644)
}

// timedRun writes the demo config for input and output and times one
// evidencepack run with the window flags.
func timedRun(ctx context.Context, bin, input, output string, window []string) (time.Duration, error) {
	if err := os.MkdirAll(output, 0o755); err != nil {
		return 0, fmt.Errorf("create %s: %w", output, err)
	}
	cfg, err := demoConfig(input, output)
	if err != nil {
		return 0, err
	}
	args := append([]string{"--log-level", "warn", "run", "--config", cfg}, window...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if out, err := cmd.Output(); err != nil {
		return 0, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, out)
	}
	return time.Since(start), nil
}

// demoConfig writes config/demo.yaml with its paths pointed at input and
// output and returns the new file's path.
func demoConfig(input, output string) (string, error) {
	raw, err := os.ReadFile("config/demo.yaml")
	if err != nil {
		return "", fmt.Errorf("read the demo config: %w", err)
	}
	text := strings.ReplaceAll(string(raw), "../out/demo-input", input)
	text = strings.ReplaceAll(text, "../out", output)
	path := filepath.Join(output, "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}
