package clibench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/render/internal/synthetic"
	"evidencepack/jobs/run"
	"evidencepack/jobs/warehouse"
)

// cliConfig is the config of a synthetic workspace: a DuckDB warehouse
// file and all four pack formats. The one source is never read, because
// render extracts nothing.
const cliConfig = `time_zone: UTC
output_dir: out
warehouse:
  kind: duckdb
  path: warehouse.duckdb
accounts_file: accounts.csv
sources:
  - name: bill
    kind: costs
    format: focus
    paths: [costs/*.csv]
    attribution:
      tag_key: customer
pack:
  formats: [yaml, json, md, html]
`

// BenchmarkRenderCLI runs run.Render, the function behind `evidencepack
// render`, on a DuckDB warehouse file of synthetic accounts: "all" renders
// every account and the index page of 2026-Q3 as `render --all` does, and
// "one" renders one account as `render --account ID` does. Both open the
// warehouse, build the packs and write every file. user-s/op and
// sys-s/op are the CPU seconds of the process, DuckDB's threads included.
// The log line gives the ratio of the two times.
func BenchmarkRenderCLI(b *testing.B) {
	for _, n := range synthetic.BenchSizes() {
		cfg := cliWorkspace(b, n)
		times := map[string]time.Duration{}
		for _, mode := range []struct {
			name     string
			accounts []string
			files    int
		}{
			{"all", nil, 4*n + 1},
			{"one", []string{synthetic.ID(n / 2)}, 4},
		} {
			b.Run(fmt.Sprintf("accounts=%d/%s", n, mode.name), func(b *testing.B) {
				ctx := context.Background()
				user, system := cpuTimes(b)
				for b.Loop() {
					files, err := run.Render(ctx, cfg, run.RenderOptions{Periods: []string{"2026-Q3"}, Accounts: mode.accounts})
					if err != nil {
						b.Fatal(err)
					}
					if len(files) != mode.files {
						b.Fatalf("wrote %d files, want %d", len(files), mode.files)
					}
				}
				userAfter, systemAfter := cpuTimes(b)
				b.ReportMetric((userAfter-user).Seconds()/float64(b.N), "user-s/op")
				b.ReportMetric((systemAfter-system).Seconds()/float64(b.N), "sys-s/op")
				times[mode.name] = b.Elapsed() / time.Duration(b.N)
			})
		}
		if times["one"] > 0 {
			b.Logf("accounts=%d: all %v, one %v, all/one %.1f", n, times["all"], times["one"],
				float64(times["all"])/float64(times["one"]))
		}
	}
}

// cpuTimes returns the user and system CPU time of the process so far.
func cpuTimes(tb testing.TB) (user, system time.Duration) {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(u.Utime.Nano()), time.Duration(u.Stime.Nano())
}

// workspaces are the workspace directories of cliWorkspace by number of
// accounts. TestMain removes them at the end unless workspaceEnv is set.
var workspaces = map[int]string{}

// workspaceEnv names a directory that keeps the workspaces after the
// benchmark, as accounts-N/config.yaml and its warehouse, so that the
// evidencepack binary can be timed on them.
const workspaceEnv = "EVIDENCEPACK_BENCH_WORKSPACE"

func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv(workspaceEnv) == "" {
		for _, dir := range workspaces {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// cliWorkspace returns the config of a workspace of n synthetic accounts,
// and first creates it: a config and an accounts file, and a warehouse
// file with the synthetic facts and a succeeded run.
func cliWorkspace(tb testing.TB, n int) *config.Config {
	tb.Helper()
	dir, found := workspaces[n]
	if !found {
		dir = newWorkspace(tb, n)
		workspaces[n] = dir
	}
	cfg, err := config.Load(filepath.Join(dir, "config.yaml"), func(string) (string, bool) { return "", false })
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func newWorkspace(tb testing.TB, n int) string {
	tb.Helper()
	var dir string
	var err error
	if root := os.Getenv(workspaceEnv); root != "" {
		dir = filepath.Join(root, fmt.Sprintf("accounts-%d", n))
		if err := os.RemoveAll(dir); err != nil {
			tb.Fatal(err)
		}
		err = os.MkdirAll(dir, 0o755)
	} else {
		dir, err = os.MkdirTemp("", "clibench-*")
	}
	if err != nil {
		tb.Fatal(err)
	}

	var accounts strings.Builder
	accounts.WriteString("account_id,name,currency,renewal_date,annual_contract_value,workflow," +
		"baseline_handle_time_seconds,baseline_reopen_rate,hourly_cost_rate,autonomy_level,trial\n")
	for i := range n {
		fmt.Fprintf(&accounts, "%s,Account %d,USD,2027-03-31,100000,claims,1200,0.1,55.00,recommendation,false\n",
			synthetic.ID(i), i)
	}
	for name, text := range map[string]string{"config.yaml": cliConfig, "accounts.csv": accounts.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}

	ctx := context.Background()
	wh, err := warehouse.OpenDuckDB(ctx, filepath.Join(dir, "warehouse.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	defer wh.Close()
	if err := wh.EnsureTables(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := synthetic.Load(ctx, wh.DB(), n); err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2026, 10, 1, 6, 0, 0, 0, time.UTC)
	if err := wh.RecordRun(ctx, warehouse.RunRecord{RunID: "run-synthetic", Status: "succeeded",
		StartedAt: now, FinishedAt: now, From: "2026-07-01", To: "2026-09-30"}); err != nil {
		tb.Fatal(err)
	}
	return dir
}
