package run

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o640); err != nil {
			t.Fatal(err)
		}
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestPackStagePublishReplacesPeriod(t *testing.T) {
	final := filepath.Join(t.TempDir(), "packs")
	writeFiles(t, filepath.Join(final, "2026-Q3"), "old-account.yaml", "acme.yaml")
	writeFiles(t, filepath.Join(final, "2026-Q2"), "acme.yaml")

	stage, err := newPackStage(final)
	if err != nil {
		t.Fatal(err)
	}
	defer stage.discard()
	writeFiles(t, filepath.Join(stage.dir, "2026-Q3"), "acme.yaml", "globex.yaml")
	writeFiles(t, filepath.Join(stage.dir, "2026-Q4"), "acme.yaml")
	if _, err := stage.publish([]string{"2026-Q3", "2026-Q4"}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	stage.discard()

	if got := listDir(t, filepath.Join(final, "2026-Q3")); !slices.Equal(got, []string{"acme.yaml", "globex.yaml"}) {
		t.Errorf("2026-Q3 = %v, want the staged packs only", got)
	}
	if got := listDir(t, filepath.Join(final, "2026-Q4")); !slices.Equal(got, []string{"acme.yaml"}) {
		t.Errorf("2026-Q4 = %v, want the new period", got)
	}
	if got := listDir(t, filepath.Join(final, "2026-Q2")); !slices.Equal(got, []string{"acme.yaml"}) {
		t.Errorf("2026-Q2 = %v, want it untouched", got)
	}
	if got := listDir(t, final); !slices.Equal(got, []string{"2026-Q2", "2026-Q3", "2026-Q4"}) {
		t.Errorf("packs = %v, want no staging directory left", got)
	}
	if p := stage.finalPath(filepath.Join(stage.dir, "2026-Q3", "acme.yaml")); p != filepath.Join(final, "2026-Q3", "acme.yaml") {
		t.Errorf("finalPath = %s", p)
	}
}

func TestPackStageDiscardKeepsOldPacks(t *testing.T) {
	final := filepath.Join(t.TempDir(), "packs")
	writeFiles(t, filepath.Join(final, "2026-Q3"), "acme.yaml")
	stage, err := newPackStage(final)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Join(stage.dir, "2026-Q3"), "acme.yaml", "half-written.yaml")
	stage.discard()

	if got := listDir(t, filepath.Join(final, "2026-Q3")); !slices.Equal(got, []string{"acme.yaml"}) {
		t.Errorf("2026-Q3 = %v, want the previous packs after a failed render", got)
	}
	data, err := os.ReadFile(filepath.Join(final, "2026-Q3", "acme.yaml"))
	if err != nil || string(data) != "acme.yaml" {
		t.Errorf("previous pack content = %q (%v)", data, err)
	}
	if got := listDir(t, final); !slices.Equal(got, []string{"2026-Q3"}) {
		t.Errorf("packs = %v, want no staging directory left", got)
	}
}

// immutable sets the immutable attribute on dir and clears it at the end
// of the test. It skips the test where chattr is missing or the file
// system or user cannot set the attribute.
func immutable(t *testing.T, dir string) {
	t.Helper()
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("chattr +i %s: %v: %s", dir, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", dir).Run() })
}

func TestPackStagePublishFailureNamesPath(t *testing.T) {
	final := filepath.Join(t.TempDir(), "packs")
	writeFiles(t, filepath.Join(final, "2026-07"), "acme.yaml")
	writeFiles(t, filepath.Join(final, "2026-08"), "acme.yaml")
	immutable(t, filepath.Join(final, "2026-08"))

	stage, err := newPackStage(final)
	if err != nil {
		t.Fatal(err)
	}
	defer stage.discard()
	writeFiles(t, filepath.Join(stage.dir, "2026-07"), "acme.yaml", "globex.yaml")
	writeFiles(t, filepath.Join(stage.dir, "2026-08"), "acme.yaml", "globex.yaml")

	published, err := stage.publish([]string{"2026-07", "2026-08"})
	if err == nil {
		t.Fatal("publish into an immutable period directory succeeded")
	}
	if !slices.Equal(published, []string{"2026-07"}) {
		t.Errorf("published = %v, want [2026-07]", published)
	}
	if want := filepath.Join(final, "2026-08"); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %s", err, want)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %q is not a permission error", err)
	}
	if got := listDir(t, filepath.Join(final, "2026-08")); !slices.Equal(got, []string{"acme.yaml"}) {
		t.Errorf("2026-08 = %v, want the previous packs", got)
	}
}

func TestKeepPublishedPacks(t *testing.T) {
	r := &runner{manifest: &Manifest{Packs: []PackFile{
		{AccountID: "acme", Period: "2026-06"},
		{AccountID: "acme", Period: "2026-07"},
		{AccountID: "acme", Period: "2026-08"},
		{AccountID: "globex", Period: "2026-07"},
	}}}
	r.keepPublishedPacks(1, []string{"2026-07"})
	want := []PackFile{
		{AccountID: "acme", Period: "2026-06"},
		{AccountID: "acme", Period: "2026-07"},
		{AccountID: "globex", Period: "2026-07"},
	}
	if !slices.Equal(r.manifest.Packs, want) {
		t.Errorf("packs = %v, want %v", r.manifest.Packs, want)
	}
}
