package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// Markers around the section of the benchmark page that each run
// rewrites. Text outside them is left as it is.
const (
	beginMarker = "<!-- evidencepack-bench results: begin -->"
	endMarker   = "<!-- evidencepack-bench results: end -->"
)

const mib = 1 << 20

func rate(n int64, seconds float64) float64 {
	if seconds <= 0 {
		return 0
	}
	return float64(n) / seconds
}

// formatRow returns one Markdown table row of a result.
func formatRow(r result) string {
	ours := rate(int64(r.rows), r.ours.Seconds)
	duck := rate(int64(r.rows), r.duck.Seconds)
	ratio := 0.0
	if duck > 0 {
		ratio = ours / duck
	}
	return fmt.Sprintf("| %s | %d | %.0f | %.2f | %.0f | %.1f | %.0f | %.2f | %.0f | %.0f | %.2f× |",
		r.name, r.rows, float64(r.inputBytes)/mib,
		r.ours.Seconds, ours, rate(r.inputBytes, r.ours.Seconds)/mib, float64(r.ours.PeakRSS)/mib,
		r.duck.Seconds, duck, float64(r.duck.PeakRSS)/mib, ratio)
}

// formatReport returns the Markdown results section: machine, command,
// date, the table and the nightly figure.
func formatReport(o driverOptions, results []result, nightly *nightlyResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured on %s with `%s`.\n\n", time.Now().UTC().Format(time.DateOnly), o.command)
	fmt.Fprintf(&b, "Machine: %s. Load average when the table was written: %s (other jobs share the machine, "+
		"so wall times vary between runs).\n\n", machine(), loadAverage())
	b.WriteString("| case | rows | input MiB | evidencepack s | rows/s | MiB/s | peak RSS MiB | DuckDB s | DuckDB rows/s | DuckDB peak RSS MiB | throughput vs DuckDB |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		b.WriteString(formatRow(r) + "\n")
	}
	b.WriteString("\nFacts written, duplicates removed and rejects per case:\n\n")
	b.WriteString("| case | rows | facts | duplicates | rejected | partitions | DuckDB rows |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d |\n", r.name, r.rows, r.ours.Facts,
			r.ours.Duplicates, r.ours.Rejected, r.ours.Partitions, r.duck.Rows)
	}
	if nightly != nil {
		b.WriteString("\n" + nightly.format())
	}
	return b.String()
}

// machine describes the CPU count, CPU model and memory of this machine
// from /proc.
func machine() string {
	model := procField("/proc/cpuinfo", "model name")
	mem := procField("/proc/meminfo", "MemTotal")
	return fmt.Sprintf("%d CPUs (nproc), %s, %s RAM, %s/%s, %s", runtime.NumCPU(), model, mem,
		runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// loadAverage returns the 1, 5 and 15 minute load averages.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	fields := strings.Fields(string(data))
	if err != nil || len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], ", ")
}

func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		key, value, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(key) == name {
			return strings.TrimSpace(value)
		}
	}
	return "unknown"
}

// writeDoc replaces the text between the markers in path with report, or
// appends a results section with the markers when they are missing.
func writeDoc(path, report string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	text := string(old)
	block := beginMarker + "\n" + report + endMarker
	begin, end := strings.Index(text, beginMarker), strings.Index(text, endMarker)
	if begin >= 0 && end > begin {
		text = text[:begin] + block + text[end+len(endMarker):]
	} else {
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		text += "\n## Extract and write results\n\n" + block + "\n"
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
