package render

import (
	"bytes"
	"os"
	"path/filepath"
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
