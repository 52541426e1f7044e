package clibench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
// warehouse, build the packs and write every file. The log line gives the
// ratio of the two times.
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
				for b.Loop() {
					files, err := run.Render(ctx, cfg, run.RenderOptions{Periods: []string{"2026-Q3"}, Accounts: mode.accounts})
					if err != nil {
						b.Fatal(err)
					}
					if len(files) != mode.files {
						b.Fatalf("wrote %d files, want %d", len(files), mode.files)
					}
				}
				times[mode.name] = b.Elapsed() / time.Duration(b.N)
			})
		}
		if times["one"] > 0 {
			b.Logf("accounts=%d: all %v, one %v, all/one %.1f", n, times["all"], times["one"],
				float64(times["all"])/float64(times["one"]))
		}
	}
}

// cliWorkspace writes a config and an accounts file for n synthetic
// accounts into a temporary directory, fills its warehouse file with the
// synthetic facts and a succeeded run, and returns the loaded config.
func cliWorkspace(tb testing.TB, n int) *config.Config {
	tb.Helper()
	dir := tb.TempDir()
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

	cfg, err := config.Load(filepath.Join(dir, "config.yaml"), func(string) (string, bool) { return "", false })
	if err != nil {
		tb.Fatal(err)
	}

	ctx := context.Background()
	wh, err := warehouse.OpenDuckDB(ctx, cfg.Resolve(cfg.Warehouse.Path))
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
	return cfg
}
