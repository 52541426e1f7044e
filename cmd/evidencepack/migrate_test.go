package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// migrateWorkspace writes the cost config of the check tests with a bill
// of two lines, runs it once and returns the directory.
func migrateWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bill"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bill", "june.csv"), []byte(checkBill), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(checkConfig, "FRESH", "240h", 1)
	if err := os.WriteFile(filepath.Join(dir, "costs.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03"); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	return dir
}

// alterWarehouse runs statements on the warehouse of dir and closes it.
func alterWarehouse(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("duckdb", filepath.Join(dir, "out", "warehouse.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// queryWarehouse returns the first column of the first row of query as
// text.
func queryWarehouse(t *testing.T, dir, query string) string {
	t.Helper()
	db, err := sql.Open("duckdb", filepath.Join(dir, "out", "warehouse.duckdb")+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out sql.NullString
	if err := db.QueryRow(query).Scan(&out); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out.String
}

func columnType(t *testing.T, dir, table, column string) string {
	t.Helper()
	return queryWarehouse(t, dir, "SELECT COALESCE(MAX(data_type), '') FROM information_schema.columns WHERE table_name = '"+
		table+"' AND column_name = '"+column+"'")
}

func TestMigrateRetypedColumn(t *testing.T) {
	dir := migrateWorkspace(t)
	alterWarehouse(t, dir, "ALTER TABLE cost_lines ALTER billed_cost TYPE DECIMAL(38,9)")
	facts := filepath.Join(dir, "out", "facts", "cost_lines", "dt=2026-06-01", "part-cloud_bill.parquet")
	before, err := os.Stat(facts)
	if err != nil {
		t.Fatal(err)
	}

	r := runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03")
	if r.code != 3 {
		t.Fatalf("run on a retyped column: exit %d, want 3\n%s", r.code, r.stderr)
	}
	want := "table cost_lines: column billed_cost is DECIMAL(38,9) in the warehouse but DECIMAL(38,18) in this version; run `evidencepack migrate --config FILE`"
	if !strings.Contains(r.stderr, want) {
		t.Errorf("run error lacks %q:\n%s", want, r.stderr)
	}
	after, err := os.Stat(facts)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the failed run rewrote %s", facts)
	}

	r = runCLI(t, dir, "migrate", "--config", "costs.yaml")
	if r.code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "table cost_lines: rebuilt from 2 Parquet files") {
		t.Errorf("migrate output lacks the rebuild of cost_lines:\n%s", r.stdout)
	}
	if got := columnType(t, dir, "cost_lines", "billed_cost"); got != "DECIMAL(38,18)" {
		t.Errorf("billed_cost after migrate is %q, want DECIMAL(38,18)", got)
	}
	if got := queryWarehouse(t, dir, "SELECT CAST(SUM(billed_cost) AS VARCHAR) FROM cost_lines"); got != "3.000000000000000000" {
		t.Errorf("SUM(billed_cost) after migrate = %s, want 3.000000000000000000", got)
	}
	if got := queryWarehouse(t, dir, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE '%__migrate_%'"); got != "0" {
		t.Errorf("%s tables named __migrate_ are left after migrate", got)
	}

	r = runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03")
	if r.code != 0 {
		t.Fatalf("run after migrate: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, dir, "migrate", "--config", "costs.yaml")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "warehouse is up to date: nothing to migrate" {
		t.Errorf("second migrate: exit %d, output %q; want a no-op", r.code, r.stdout)
	}
}

func TestMigrateDroppedColumn(t *testing.T) {
	dir := migrateWorkspace(t)
	alterWarehouse(t, dir, "ALTER TABLE accounts ADD COLUMN tier DECIMAL(10,2)")

	r := runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03")
	want := "table accounts: column tier (DECIMAL(10,2)) is in the warehouse but not in this version"
	if r.code != 3 || !strings.Contains(r.stderr, want) {
		t.Fatalf("run on an extra column: exit %d, want 3 and %q\n%s", r.code, want, r.stderr)
	}

	r = runCLI(t, dir, "migrate", "--config", "costs.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "table accounts: rebuilt from its old rows") {
		t.Fatalf("migrate: exit %d, want the rebuild of accounts\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := columnType(t, dir, "accounts", "tier"); got != "" {
		t.Errorf("accounts.tier is still there as %s", got)
	}
	if got := queryWarehouse(t, dir, "SELECT name FROM accounts WHERE account_id = 'acme'"); got != "Acme" {
		t.Errorf("account acme is named %q after migrate, want Acme", got)
	}
	if r := runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03"); r.code != 0 {
		t.Errorf("run after migrate: exit %d\n%s", r.code, r.stderr)
	}
}

func TestMigrateNotNeededForMissingColumns(t *testing.T) {
	dir := migrateWorkspace(t)
	// learning_permitted and time_zone are the last columns of accounts,
	// which warehouses created before they existed lack; postmortem_url
	// sits in the middle of a fact table, which is loaded by column name.
	alterWarehouse(t, dir,
		"ALTER TABLE accounts DROP COLUMN time_zone",
		"ALTER TABLE accounts DROP COLUMN learning_permitted",
		"ALTER TABLE incidents DROP COLUMN postmortem_url")

	r := runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03")
	if r.code != 0 {
		t.Fatalf("run with missing columns: exit %d, want 0\n%s", r.code, r.stderr)
	}
	if got := columnType(t, dir, "accounts", "learning_permitted"); got != "BOOLEAN" {
		t.Errorf("accounts.learning_permitted is %q after the run, want BOOLEAN", got)
	}
	if got := columnType(t, dir, "accounts", "time_zone"); got != "VARCHAR" {
		t.Errorf("accounts.time_zone is %q after the run, want VARCHAR", got)
	}
	if got := columnType(t, dir, "incidents", "postmortem_url"); got != "VARCHAR" {
		t.Errorf("incidents.postmortem_url is %q after the run, want VARCHAR", got)
	}
	r = runCLI(t, dir, "migrate", "--config", "costs.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to migrate") {
		t.Errorf("migrate after the run: exit %d, output %q; want a no-op", r.code, r.stdout)
	}
}

func TestMigrateMissingColumnInsertedByPosition(t *testing.T) {
	dir := migrateWorkspace(t)
	alterWarehouse(t, dir, "ALTER TABLE accounts DROP COLUMN currency")

	r := runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03")
	want := "table accounts: column currency is missing from the warehouse and cannot be appended"
	if r.code != 3 || !strings.Contains(r.stderr, want) {
		t.Fatalf("run: exit %d, want 3 and %q\n%s", r.code, want, r.stderr)
	}
	r = runCLI(t, dir, "migrate", "--config", "costs.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "table accounts: rebuilt") {
		t.Fatalf("migrate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "run", "--config", "costs.yaml", "--from", "2026-06-01", "--to", "2026-06-03"); r.code != 0 {
		t.Fatalf("run after migrate: exit %d\n%s", r.code, r.stderr)
	}
	if got := queryWarehouse(t, dir, "SELECT currency FROM accounts WHERE account_id = 'acme'"); got != "USD" {
		t.Errorf("acme's currency is %q after the run, want USD", got)
	}
}
