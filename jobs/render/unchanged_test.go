//go:build unix

package render

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"evidencepack/transforms"
)

// unchangedCases put a file at the path of one pack file before
// WritePacks rewrites it. keep is true when WritePacks must leave that
// file, the same inode, in place.
var unchangedCases = []struct {
	name  string
	setup func(t *testing.T, path string, want []byte)
	keep  bool
}{
	{"same bytes", func(t *testing.T, path string, want []byte) {
		writeMode(t, path, want, transforms.FileMode)
	}, true},
	{"same size, other bytes", func(t *testing.T, path string, want []byte) {
		other := bytes.Clone(want)
		other[len(other)-2] ^= 1
		writeMode(t, path, other, transforms.FileMode)
	}, false},
	{"same bytes and more", func(t *testing.T, path string, want []byte) {
		writeMode(t, path, append(bytes.Clone(want), '\n'), transforms.FileMode)
	}, false},
	{"empty file", func(t *testing.T, path string, want []byte) {
		writeMode(t, path, nil, transforms.FileMode)
	}, false},
	{"same bytes, other mode", func(t *testing.T, path string, want []byte) {
		writeMode(t, path, want, 0o644)
	}, false},
	{"same bytes, second link", func(t *testing.T, path string, want []byte) {
		writeMode(t, path, want, transforms.FileMode)
		if err := os.Link(path, path+".link"); err != nil {
			t.Fatal(err)
		}
	}, false},
	{"symbolic link to same bytes", func(t *testing.T, path string, want []byte) {
		target := filepath.Join(filepath.Dir(path), "target")
		writeMode(t, target, want, transforms.FileMode)
		if err := os.Symlink(target, path); err != nil {
			t.Fatal(err)
		}
	}, false},
	{"FIFO", func(t *testing.T, path string, want []byte) {
		if err := syscall.Mkfifo(path, uint32(transforms.FileMode)); err != nil {
			t.Fatal(err)
		}
	}, false},
}

func writeMode(t *testing.T, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func TestWritePacksKeepsOnlyIdenticalFile(t *testing.T) {
	for _, w := range writePathCases {
		packs := syntheticPacks(t, w.accounts)
		for _, c := range unchangedCases {
			t.Run(w.name+"/"+c.name, func(t *testing.T) {
				dir := t.TempDir()
				p := packs[1]
				path := filepath.Join(dir, p.Period, p.AccountID+".json")
				want, err := Encode(p, "json")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				c.setup(t, path, want)
				before, err := os.Lstat(path)
				if err != nil {
					t.Fatal(err)
				}

				paths, err := WritePacks(context.Background(), dir, packs, []string{"yaml", "json"})
				if err != nil {
					t.Fatal(err)
				}

				if paths[1][1] != path {
					t.Errorf("returned path %s, want %s", paths[1][1], path)
				}
				after, err := os.Lstat(path)
				if err != nil {
					t.Fatal(err)
				}
				if kept := os.SameFile(before, after); kept != c.keep {
					t.Errorf("file kept in place: %v, want %v", kept, c.keep)
				}
				if !after.Mode().IsRegular() || after.Mode().Perm() != transforms.FileMode {
					t.Errorf("mode %v, want a regular file with %v", after.Mode(), transforms.FileMode)
				}
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from Encode", path)
				}
				checkNoTempFiles(t, dir)
			})
		}
	}
}

func TestWritePacksTwiceKeepsEveryFile(t *testing.T) {
	for _, w := range writePathCases {
		t.Run(w.name, func(t *testing.T) {
			packs := syntheticPacks(t, w.accounts)
			dir := t.TempDir()
			first, err := WritePacks(context.Background(), dir, packs, nil)
			if err != nil {
				t.Fatal(err)
			}
			infos := map[string]os.FileInfo{}
			for _, p := range first {
				for _, path := range p {
					if infos[path], err = os.Stat(path); err != nil {
						t.Fatal(err)
					}
				}
			}

			second, err := WritePacks(context.Background(), dir, packs, nil)
			if err != nil {
				t.Fatal(err)
			}
			count := 0
			for _, p := range second {
				for _, path := range p {
					count++
					info, err := os.Stat(path)
					if err != nil {
						t.Fatal(err)
					}
					if !os.SameFile(infos[path], info) {
						t.Errorf("%s was replaced, want it kept", path)
					}
				}
			}
			if count != len(infos) {
				t.Errorf("second write returned %d paths, want %d", count, len(infos))
			}
			checkNoTempFiles(t, dir)
		})
	}
}
