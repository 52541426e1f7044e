package demo

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ctxCheckEvery is how many records a writer produces between checks of
// the context.
const ctxCheckEvery = 4096

// writeFile writes the file rel under the output directory atomically: fill
// writes to a temporary file in the same directory, which is renamed over
// rel only when fill and the flush succeed. fill returns the number of
// records written.
func (g *generator) writeFile(ctx context.Context, rel, kind string, fill func(w *bufio.Writer) (int, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	path := filepath.Join(g.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	records, size, err := fillTemp(tmp, fill)
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	g.summary.addFile(FileSummary{Path: rel, Kind: kind, Records: records, Bytes: size})
	return nil
}

// fillTemp runs fill on tmp, then flushes, sets the mode, syncs and closes
// it. It returns the record count and file size.
func fillTemp(tmp *os.File, fill func(w *bufio.Writer) (int, error)) (int, int64, error) {
	w := bufio.NewWriterSize(tmp, 256<<10)
	records, err := fill(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	var size int64
	if err == nil {
		var info os.FileInfo
		if info, err = tmp.Stat(); err == nil {
			size = info.Size()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	return records, size, err
}

// checkCtx returns the context's error on every ctxCheckEvery-th record.
func checkCtx(ctx context.Context, record int) error {
	if record%ctxCheckEvery != 0 {
		return nil
	}
	return ctx.Err()
}

// writeIndentedJSON writes v as JSON indented by two spaces, as Label
// Studio and the PagerDuty examples are, followed by a newline.
func writeIndentedJSON(w *bufio.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	return w.WriteByte('\n')
}
