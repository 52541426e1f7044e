package render

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteDeterministic(t *testing.T) {
	db := openCase(t, "expansion")
	first := t.TempDir()
	second := t.TempDir()
	p1 := buildPack(t, db, "acme", "2026-Q3")
	p2 := buildPack(t, db, "acme", "2026-Q3")

	paths, err := Write(first, p1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Fatalf("wrote %d files, want 4", len(paths))
	}
	if _, err := Write(second, p2, nil); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"acme.yaml", "acme.json", "acme.md", "acme.html"} {
		a, err := os.ReadFile(filepath.Join(first, "2026-Q3", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(second, "2026-Q3", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two writes of the same pack", name)
		}
	}

	leftovers, _ := filepath.Glob(filepath.Join(first, "2026-Q3", ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestWriteRejectsUnsafeAccountID(t *testing.T) {
	dir := t.TempDir()
	for _, id := range []string{"", ".", "..", "../etc", "a/b", `a\b`, "a..b"} {
		p := &Pack{AccountID: id, Period: "2026-Q3"}
		if _, err := Write(dir, p, []string{"yaml"}); err == nil {
			t.Errorf("account id %q accepted", id)
		}
	}
}

func TestWriteRejectsUnknownFormat(t *testing.T) {
	p := &Pack{AccountID: "acme", Period: "2026-Q3"}
	if _, err := Write(t.TempDir(), p, []string{"pdf"}); err == nil {
		t.Errorf("format pdf accepted")
	}
}

// syntheticPacks builds the 2026-Q3 and 2026-08 packs of n synthetic
// accounts.
func syntheticPacks(t *testing.T, n int) []*Pack {
	t.Helper()
	db := openSynthetic(t, n)
	var packs []*Pack
	for _, period := range []string{"2026-Q3", "2026-08"} {
		built, err := BuildAll(context.Background(), db, period, testProvenance)
		if err != nil {
			t.Fatal(err)
		}
		packs = append(packs, built...)
	}
	return packs
}

// writePathCases are pack counts for both ways WritePacks syncs files:
// 6 accounts give 48 files, each synced, and 20 give 160, synced with one
// syncfs on Linux.
var writePathCases = []struct {
	name     string
	accounts int
}{
	{"fsync each file", 6},
	{"one syncfs", 20},
}

func TestWritePacksMatchesEncode(t *testing.T) {
	for _, c := range writePathCases {
		t.Run(c.name, func(t *testing.T) {
			packs := syntheticPacks(t, c.accounts)
			dir := t.TempDir()
			paths, err := WritePacks(context.Background(), dir, packs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != len(packs) {
				t.Fatalf("returned paths of %d packs, want %d", len(paths), len(packs))
			}
			for i, p := range packs {
				if len(paths[i]) != len(Formats) {
					t.Fatalf("pack %d: %d paths, want %d", i, len(paths[i]), len(Formats))
				}
				for j, format := range Formats {
					want := filepath.Join(dir, p.Period, p.AccountID+"."+format)
					if paths[i][j] != want {
						t.Errorf("pack %d path %d = %s, want %s", i, j, paths[i][j], want)
					}
					got, err := os.ReadFile(want)
					if err != nil {
						t.Fatal(err)
					}
					encoded, err := Encode(p, format)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, encoded) {
						t.Errorf("%s differs from Encode", want)
					}
				}
			}
			checkNoTempFiles(t, dir)
		})
	}
}

// checkNoTempFiles fails when a period directory under dir holds a
// temporary file.
func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	for _, period := range []string{"2026-Q3", "2026-08"} {
		leftovers, _ := filepath.Glob(filepath.Join(dir, period, ".*"))
		if len(leftovers) != 0 {
			t.Errorf("temporary files left in %s: %v", period, leftovers)
		}
	}
}

func TestWritePacksRejectsBeforeWriting(t *testing.T) {
	good := &Pack{AccountID: "acme", Period: "2026-Q3"}
	cases := []struct {
		name    string
		packs   []*Pack
		formats []string
		want    string
	}{
		{"unknown format", []*Pack{good}, []string{"yaml", "pdf"}, `unknown pack format "pdf"`},
		{"unsafe account id", []*Pack{good, {AccountID: "../x", Period: "2026-Q3"}}, []string{"yaml"}, `invalid account id "../x"`},
		{"invalid period", []*Pack{good, {AccountID: "beta", Period: "2026-13"}}, []string{"yaml"}, "2026-13"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := WritePacks(context.Background(), dir, c.packs, c.formats)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("wrote %d entries before rejecting", len(entries))
			}
		})
	}
}

func TestWritePacksReportsFailedFile(t *testing.T) {
	for _, c := range writePathCases {
		t.Run(c.name, func(t *testing.T) {
			packs := syntheticPacks(t, c.accounts)
			dir := t.TempDir()
			// A directory in place of the JSON file of the second pack
			// makes its rename fail.
			blocked := filepath.Join(dir, "2026-Q3", packs[1].AccountID+".json")
			if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o755); err != nil {
				t.Fatal(err)
			}
			paths, err := WritePacks(context.Background(), dir, packs, []string{"yaml", "json"})
			if err == nil || !strings.Contains(err.Error(), blocked) {
				t.Fatalf("error %v, want one naming %s", err, blocked)
			}
			for i, p := range paths {
				for _, path := range p {
					if path == blocked {
						t.Errorf("pack %d lists the failed file %s", i, path)
					}
					if _, err := os.Stat(path); err != nil {
						t.Errorf("pack %d lists %s: %v", i, path, err)
					}
				}
			}
			checkNoTempFiles(t, dir)
		})
	}
}

func TestWritePacksStopsWhenCancelled(t *testing.T) {
	for _, c := range writePathCases {
		t.Run(c.name, func(t *testing.T) {
			packs := syntheticPacks(t, c.accounts)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			dir := t.TempDir()
			paths, err := WritePacks(ctx, dir, packs, nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			written := 0
			for _, p := range paths {
				written += len(p)
			}
			if written != 0 {
				t.Errorf("wrote %d files after cancellation", written)
			}
			checkNoTempFiles(t, dir)
		})
	}
}
