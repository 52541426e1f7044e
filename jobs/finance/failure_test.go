package finance

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"evidencepack/config"
	"evidencepack/jobs/run"
)

// TestReconcileFailureWritesNothing checks that a reconcile that fails
// reading the warehouse leaves no finance file behind and reports why.
func TestReconcileFailureWritesNothing(t *testing.T) {
	cases := []struct {
		name    string
		prepare func(t *testing.T, cfg *config.Config)
		wantErr error
		wantMsg string
	}{
		{
			name: "no successful run",
			prepare: func(t *testing.T, cfg *config.Config) {
				execWarehouse(t, cfg, "DELETE FROM pack_settings")
			},
			wantErr: run.ErrWarehouse,
			wantMsg: "no run has succeeded yet, so pack_settings is empty",
		},
		{
			name: "warehouse missing",
			prepare: func(t *testing.T, cfg *config.Config) {
				if err := os.Remove(cfg.Resolve(cfg.Warehouse.Path)); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: run.ErrWarehouse,
			wantMsg: "not found: run `evidencepack run` first",
		},
		{
			name:    "run holds the lock",
			prepare: holdRunLock,
			wantErr: run.ErrLocked,
			wantMsg: "another run holds the lock on",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := demoRun(t)
			tc.prepare(t, cfg)
			res, err := Run(context.Background(), cfg, q3, Options{})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("reconcile error = %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("reconcile error %q does not contain %q", err, tc.wantMsg)
			}
			if res != nil {
				t.Errorf("reconcile returned a result with its error: %+v", res)
			}
			dir := Dir(cfg.Resolve(cfg.OutputDir), q3.Label)
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("finance directory %s exists after a failed reconcile (stat error %v)", dir, err)
			}
		})
	}
}

// TestReconcileWaitsForRunLock checks that Options.LockWait lets reconcile
// wait for a run that releases the lock.
func TestReconcileWaitsForRunLock(t *testing.T) {
	cfg := demoRun(t)
	f := lockExclusive(t, cfg)
	go func() {
		time.Sleep(500 * time.Millisecond)
		f.Close()
	}()
	res, err := Run(context.Background(), cfg, q3, Options{LockWait: time.Minute})
	if err != nil {
		t.Fatalf("reconcile with LockWait: %v", err)
	}
	checkNoDifference(t, res)
}

// TestReconcileNamesRejectedRecords adds a line with an invalid BilledCost
// to a copy of a demo cost file and checks that reconcile names its file,
// record and field, and writes it to rejected.csv.
func TestReconcileNamesRejectedRecords(t *testing.T) {
	cfg := demoRun(t)
	bad := copyCostsWithBadLine(t, cfg)
	res, err := Run(context.Background(), cfg, q3, Options{})
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	checkNoDifference(t, res)
	rep := res.Report
	if len(rep.Rejects) != 1 {
		t.Fatalf("rejects = %+v, want 1", rep.Rejects)
	}
	rej := rep.Rejects[0]
	if rej.File != bad {
		t.Errorf("reject file = %q, want %q", rej.File, bad)
	}
	if rej.Column != "BilledCost" {
		t.Errorf("reject column = %q, want BilledCost", rej.Column)
	}
	if rej.Record <= 1 {
		t.Errorf("reject record = %d, want the appended line's number", rej.Record)
	}
	var out strings.Builder
	if err := rep.Print(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{rep.RejectedCSV, bad + ": record ", "field BilledCost"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed report does not contain %q:\n%s", want, out.String())
		}
	}
	rows := readCSV(t, rep.RejectedCSV)
	if len(rows) != 2 {
		t.Fatalf("rejected.csv has %d rows, want a header and one reject: %v", len(rows), rows)
	}
	if rows[1][1] != bad || rows[1][3] != "BilledCost" || rows[1][5] != "not-a-number" {
		t.Errorf("rejected.csv row = %q, want file %s, column BilledCost, raw value not-a-number", rows[1], bad)
	}

	// A later reconcile without rejects removes the stale file.
	restoreCostPaths(t, cfg)
	res, err = Run(context.Background(), cfg, q3, Options{})
	if err != nil {
		t.Fatalf("second reconcile: %v", err)
	}
	if res.Report.RejectedCSV != "" {
		t.Errorf("second reconcile names rejected file %q, want none", res.Report.RejectedCSV)
	}
	if _, err := os.Stat(rep.RejectedCSV); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale %s remains after a reconcile without rejects (stat error %v)", rep.RejectedCSV, err)
	}
}

func execWarehouse(t *testing.T, cfg *config.Config, stmt string) {
	t.Helper()
	db, err := sql.Open("duckdb", cfg.Resolve(cfg.Warehouse.Path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// lockExclusive takes the exclusive flock on the output directory's lock
// file, as a run does, and returns the file that holds it.
func lockExclusive(t *testing.T, cfg *config.Config) *os.File {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(cfg.Resolve(cfg.OutputDir), run.LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("pid 1 on host test since 2026-10-01T00:00:00Z (evidencepack run)\n"); err != nil {
		t.Fatal(err)
	}
	return f
}

func holdRunLock(t *testing.T, cfg *config.Config) {
	f := lockExclusive(t, cfg)
	t.Cleanup(func() { f.Close() })
}

// copyCostsWithBadLine copies the CSV files of the costs source into a
// temporary directory, appends to the first one a copy of its first line
// with BilledCost set to not-a-number, points the source at the copies and
// returns the changed file's path.
func copyCostsWithBadLine(t *testing.T, cfg *config.Config) string {
	t.Helper()
	// demoRun copies the config struct only, so the sources are cloned
	// before they change.
	cfg.Sources = slices.Clone(cfg.Sources)
	i := costSourceIndex(t, cfg)
	src := &cfg.Sources[i]
	files, err := filepath.Glob(cfg.Resolve(src.Paths[0]))
	if err != nil || len(files) == 0 {
		t.Fatalf("cost CSV files of %s: %v (found %d)", src.Paths[0], err, len(files))
	}
	dir := t.TempDir()
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(file)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(dir, filepath.Base(files[0]))
	rows := readCSV(t, bad)
	col := slices.Index(rows[0], "BilledCost")
	if col < 0 {
		t.Fatalf("%s has no BilledCost column: %v", bad, rows[0])
	}
	line := slices.Clone(rows[1])
	line[col] = "not-a-number"
	f, err := os.OpenFile(bad, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.Write(line); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		t.Fatal(err)
	}
	paths := slices.Clone(src.Paths)
	paths[0] = filepath.Join(dir, "*.csv")
	src.Paths = paths
	return bad
}

// restoreCostPaths points the costs source back at the shared demo
// inputs.
func restoreCostPaths(t *testing.T, cfg *config.Config) {
	t.Helper()
	cfg.Sources[costSourceIndex(t, cfg)].Paths = sharedDemo.cfg.Sources[costSourceIndex(t, sharedDemo.cfg)].Paths
}

func costSourceIndex(t *testing.T, cfg *config.Config) int {
	t.Helper()
	i := slices.IndexFunc(cfg.Sources, func(s config.Source) bool { return s.Kind == "costs" })
	if i < 0 {
		t.Fatal("config has no costs source")
	}
	return i
}
