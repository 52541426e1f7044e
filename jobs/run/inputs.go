package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"evidencepack/config"
)

// InputFile is one input file of a run, as recorded in the manifest.
type InputFile struct {
	Source string `json:"source"`
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ResolveInputs returns the input files of a source for the dates
// from..to, selected as a run selects them. Reconciliation uses it to
// re-read exactly the files a run reads.
func ResolveInputs(cfg *config.Config, src config.Source, from, to time.Time) ([]string, error) {
	return resolveInputs(cfg, src, from, to)
}

// resolveInputs expands a source's path patterns for the window. A pattern
// with {date} is expanded once per date of the window. A literal path must
// exist, a glob may match nothing, and the source as a whole must match at
// least one file, so a missing export is an error, not an empty run.
func resolveInputs(cfg *config.Config, src config.Source, from, to time.Time) ([]string, error) {
	var files []string
	for _, pattern := range src.Paths {
		for _, p := range expandDates(cfg.Resolve(pattern), from, to) {
			matches, err := filepath.Glob(p)
			if err != nil {
				return nil, fmt.Errorf("source %s: bad path pattern %q: %w", src.Name, pattern, err)
			}
			if len(matches) == 0 && !strings.Contains(pattern, "{date}") && !isGlob(p) {
				return nil, fmt.Errorf("source %s: no input file matches %s", src.Name, p)
			}
			files = append(files, matches...)
		}
	}
	slices.Sort(files)
	files = slices.Compact(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("source %s: no input file matches %s for %s..%s", src.Name,
			strings.Join(src.Paths, ", "), from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	return files, nil
}

func isGlob(p string) bool { return strings.ContainsAny(p, "*?[") }

func expandDates(pattern string, from, to time.Time) []string {
	if !strings.Contains(pattern, "{date}") {
		return []string{pattern}
	}
	var out []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, strings.ReplaceAll(pattern, "{date}", d.Format(time.DateOnly)))
	}
	return out
}

// describeFile returns the size and SHA-256 of a file.
func describeFile(ctx context.Context, source, path string) (InputFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return InputFile{}, fmt.Errorf("source %s: open input: %w", source, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, readerWithContext{ctx, f})
	if err != nil {
		return InputFile{}, fmt.Errorf("source %s: hash %s: %w", source, path, err)
	}
	return InputFile{Source: source, Path: path, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type readerWithContext struct {
	ctx context.Context
	r   io.Reader
}

func (r readerWithContext) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
