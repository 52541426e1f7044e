package render

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"evidencepack/transforms"
)

// Formats are the pack file formats that Write accepts.
var Formats = []string{"yaml", "json", "md", "html"}

// Write writes the pack as <dir>/<period>/<account_id>.<format> for each
// format (all of Formats when formats is empty) and returns the paths.
// Each file appears atomically: it is written to a temporary file in the
// same directory, synced and renamed. A file that already contains the same
// bytes is synced and left in place. The same pack gives byte-identical
// files. It is WritePacks with one pack.
func Write(dir string, p *Pack, formats []string) ([]string, error) {
	paths, err := WritePacks(context.Background(), dir, []*Pack{p}, formats)
	return paths[0], err
}

// Encode returns the pack in one format: yaml, json, md or html.
func Encode(p *Pack, format string) ([]byte, error) {
	return appendEncoded(nil, p, format)
}

// appendEncoded appends the pack in one format to dst.
func appendEncoded(dst []byte, p *Pack, format string) ([]byte, error) {
	switch format {
	case "yaml":
		return appendYAML(dst, p)
	case "json":
		return appendJSON(dst, p), nil
	case "md":
		return appendMarkdown(dst, p), nil
	case "html":
		return appendHTML(dst, p)
	default:
		return nil, fmt.Errorf("unknown pack format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
}

// checkFileName rejects an account id that is not safe as a file name.
func checkFileName(id string) error {
	switch {
	case id == "", id == ".", id == "..":
		return fmt.Errorf("invalid account id %q for a file name", id)
	case strings.ContainsAny(id, "/\\\x00:"), strings.Contains(id, ".."):
		return fmt.Errorf("invalid account id %q for a file name: it contains a path separator, a colon or \"..\"", id)
	}
	return nil
}

// writeAtomic replaces path with data so that readers see the old file or
// the new one, never a part, and syncs the directory so that the rename
// survives a crash.
func writeAtomic(path string, data []byte) error {
	if err := replaceFile(path, data); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// replaceFile writes data to a temporary file beside path, syncs it and
// renames it to path. The rename is durable only once the directory is
// synced.
func replaceFile(path string, data []byte) error {
	tmp, err := writeTemp(path, data, true)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	return nil
}

// writeTemp writes data to a new temporary file beside path and returns
// its name. With sync set, it syncs the file before it closes it. On an
// error no temporary file is left.
func writeTemp(path string, data []byte, sync bool) (name string, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(transforms.FileMode); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return "", fmt.Errorf("sync %s: %w", path, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return tmp.Name(), nil
}

// syncDir makes a rename durable. Some systems cannot sync a directory;
// the rename has happened by then, so only open errors are returned.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}
