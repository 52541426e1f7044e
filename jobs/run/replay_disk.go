package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"evidencepack/config"
)

// packWriter is a successful run that recorded a pack file, with the
// SHA-256 it recorded.
type packWriter struct {
	runID    string
	sha256   string
	finished time.Time
}

// checkPacksOnDisk sets the disk state of each pack result. A file whose
// bytes differ from the replayed run's hash is compared with the newest
// successful run that wrote the same path, because a later run over the
// same period rewrites its packs.
//
// NOTE: `evidencepack render` rewrites packs without writing a manifest,
// so packs it rewrote are reported as changed on disk.
func checkPacksOnDisk(ctx context.Context, cfg *config.Config, m *Manifest, results []PackResult) error {
	var writers map[string]packWriter
	for i := range results {
		if err := ctx.Err(); err != nil {
			return err
		}
		res := &results[i]
		sum, err := fileSHA256(res.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if writers == nil {
				if writers, err = readPackWriters(cfg, m); err != nil {
					return err
				}
			}
			markGone(res, m, writers)
			continue
		case err != nil:
			return fmt.Errorf("%w: pack of run %s: %w", ErrInput, m.RunID, err)
		case sum == res.SHA256:
			res.Disk = DiskUnchanged
			if res.Status == PackDiffers {
				res.Detail = joinDetail(res.Detail, "the file on disk has the recorded bytes")
			}
			continue
		}
		if writers == nil {
			if writers, err = readPackWriters(cfg, m); err != nil {
				return err
			}
		}
		w, ok := writers[filepath.Clean(res.Path)]
		if ok && w.runID != m.RunID && w.sha256 == sum {
			res.Disk = DiskReplaced
			res.ReplacedBy = w.runID
			res.Detail = joinDetail(res.Detail, "replaced by run "+w.runID)
			continue
		}
		res.Disk = DiskChanged
		detail := "sha256 on disk " + shortHash(sum) + ", recorded " + shortHash(res.SHA256)
		if ok && w.runID != m.RunID {
			res.ReplacedBy = w.runID
			detail = "sha256 on disk " + shortHash(sum) + ", recorded " + shortHash(w.sha256) +
				" by run " + w.runID + ", the newest run that wrote it"
		}
		res.Detail = joinDetail(res.Detail, detail)
	}
	return nil
}

// markGone sets the state of a pack file that is gone. A later run that
// published the same period directory without this file removed it,
// because publishing swaps the whole directory, so the file counts as
// replaced by that run.
func markGone(res *PackResult, m *Manifest, writers map[string]packWriter) {
	w, ok := writers[periodKey(res.Path)]
	own := writers[filepath.Clean(res.Path)]
	if ok && w.runID != m.RunID && w.runID != own.runID && w.finished.After(m.FinishedAt) {
		res.Disk = DiskReplaced
		res.ReplacedBy = w.runID
		res.Detail = joinDetail(res.Detail, "removed when run "+w.runID+" replaced the period's packs")
		return
	}
	res.Disk = DiskMissing
	res.Detail = joinDetail(res.Detail, "the file on disk is gone")
}

// periodKey is the key of a pack's period directory in the map that
// readPackWriters returns. File paths are cleaned, so they never end in a
// separator and cannot collide with it.
func periodKey(packPath string) string {
	return filepath.Dir(filepath.Clean(packPath)) + string(filepath.Separator)
}

// readPackWriters reads the manifests of the successful runs in the runs
// directory and returns, per pack path, the newest run that recorded it,
// and per period directory (periodKey), the newest run that wrote into it.
// The replayed run's manifest m counts as one of them. A manifest that
// cannot be decoded is logged and skipped.
//
// NOTE: this decodes every manifest in the runs directory, so its cost
// grows with the history kept there.
func readPackWriters(cfg *config.Config, m *Manifest) (map[string]packWriter, error) {
	dir := filepath.Dir(ManifestPath(cfg, m.RunID))
	files, err := filepath.Glob(filepath.Join(dir, "run-*.json"))
	if err != nil {
		return nil, fmt.Errorf("list manifests in %s: %w", dir, err)
	}
	writers := map[string]packWriter{}
	record := func(runID string, finished time.Time, packs []PackFile) {
		for _, p := range packs {
			for _, key := range []string{filepath.Clean(p.Path), periodKey(p.Path)} {
				old, ok := writers[key]
				if !ok || finished.After(old.finished) || (finished.Equal(old.finished) && runID > old.runID) {
					writers[key] = packWriter{runID: runID, sha256: p.SHA256, finished: finished}
				}
			}
		}
	}
	record(m.RunID, m.FinishedAt, m.Packs)
	for _, file := range files {
		if strings.Contains(filepath.Base(file), "-failed-") {
			continue
		}
		other, err := readPackList(file)
		if err != nil {
			slog.Warn("replay skips a manifest it cannot read", "file", file, "error", err)
			continue
		}
		if other.Status != StatusSucceeded || other.RunID == m.RunID {
			continue
		}
		record(other.RunID, other.FinishedAt, other.Packs)
	}
	return writers, nil
}

// packList is the part of a manifest that names the packs a run wrote.
type packList struct {
	RunID      string     `json:"run_id"`
	Status     string     `json:"status"`
	FinishedAt time.Time  `json:"finished_at"`
	Packs      []PackFile `json:"packs"`
}

func readPackList(path string) (*packList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list packList
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("decode manifest %s: %w", path, err)
	}
	return &list, nil
}
