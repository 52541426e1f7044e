package run

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"evidencepack/config"
	"evidencepack/transforms"
)

// outputState is what a run leaves behind that must not change when the
// same run is repeated.
type outputState struct {
	rows   map[string]int64  // "table/dt/source" -> warehouse rows
	totals map[string]string // "source/currency" -> sum of billed_cost
	facts  map[string]string // Parquet file under facts/ -> SHA-256
	packs  map[string]string // pack file under packs/ -> SHA-256
}

func snapshotState(t *testing.T, cfg *config.Config) outputState {
	t.Helper()
	out := cfg.Resolve(cfg.OutputDir)
	st := outputState{
		rows: map[string]int64{}, totals: map[string]string{},
		facts: hashTree(t, filepath.Join(out, "facts")),
		packs: hashTree(t, filepath.Join(out, "packs")),
	}
	db := openWarehouseReadOnly(t, cfg)
	defer db.Close()
	for _, table := range transforms.Tables {
		rows, err := db.Query(`SELECT CAST(dt AS VARCHAR), source, count(*) FROM "` + table + `" GROUP BY ALL`)
		if err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		for rows.Next() {
			var dt, source string
			var n int64
			if err := rows.Scan(&dt, &source, &n); err != nil {
				t.Fatal(err)
			}
			st.rows[table+"/"+dt+"/"+source] = n
		}
		rows.Close()
	}
	rows, err := db.Query(`SELECT source, currency, CAST(sum(billed_cost) AS VARCHAR) FROM cost_lines GROUP BY ALL`)
	if err != nil {
		t.Fatalf("sum cost_lines: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var source, currency, total string
		if err := rows.Scan(&source, &currency, &total); err != nil {
			t.Fatal(err)
		}
		st.totals[source+"/"+currency] = total
	}
	return st
}

// hashTree returns the SHA-256 of every file under root by relative path;
// a missing root gives an empty map.
func hashTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		rel, _ := filepath.Rel(root, path)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatalf("hash %s: %v", root, err)
	}
	return out
}

func compareStates(t *testing.T, want, got outputState) {
	t.Helper()
	compareMaps(t, "warehouse rows", want.rows, got.rows)
	compareMaps(t, "cost totals", want.totals, got.totals)
	compareMaps(t, "Parquet file SHA-256", want.facts, got.facts)
	compareMaps(t, "pack file SHA-256", want.packs, got.packs)
}

func compareMaps[V comparable](t *testing.T, what string, want, got map[string]V) {
	t.Helper()
	keys := slices.Sorted(maps.Keys(want))
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	diffs := 0
	for _, k := range keys {
		w, inWant := want[k]
		g, inGot := got[k]
		if inWant == inGot && w == g {
			continue
		}
		if diffs++; diffs <= 10 {
			t.Errorf("%s of %s: got %v (present %v), want %v (present %v)", what, k, g, inGot, w, inWant)
		}
	}
	if diffs > 10 {
		t.Errorf("%s: %d differences in all", what, diffs)
	}
}
