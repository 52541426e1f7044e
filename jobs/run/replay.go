package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"evidencepack/jobs/render"
	"evidencepack/transforms"
)

// PackFile is one pack file a run wrote, with the account, period and
// format that replay needs to build it again.
type PackFile struct {
	Path      string `json:"path"`
	AccountID string `json:"account_id"`
	Period    string `json:"period"`
	Format    string `json:"format"`
	SHA256    string `json:"sha256"`
}

// RenderInputs records what a run's packs were rendered from, so that
// replay can rebuild them: the pack settings row and every fact partition
// the warehouse held at that moment, including partitions of earlier runs.
type RenderInputs struct {
	PackSettings PackSettings    `json:"pack_settings"`
	Facts        []PartitionInfo `json:"facts"`
}

// PackSettings is the pack_settings row a run loaded before rendering.
type PackSettings struct {
	VerificationWindowDays int       `json:"verification_window_days"`
	DataThrough            time.Time `json:"data_through"`
	MinReviewedCases       int       `json:"min_reviewed_cases"`
	MinReviewAccuracy      float64   `json:"min_review_accuracy"`
	MaxSev1Incidents       int       `json:"max_sev1_incidents"`
	MaxIncidents           int       `json:"max_incidents"`
	MinUsageGrowth         float64   `json:"min_usage_growth"`
}

// recordRenderInputs stores the pack settings and the fact partitions on
// disk in the manifest before the packs are rendered.
//
// NOTE: this hashes every fact file under output_dir, so its cost grows
// with the history kept there, not with the run's window.
func (r *runner) recordRenderInputs(ctx context.Context) error {
	facts, err := r.listFacts(ctx)
	if err != nil {
		return err
	}
	r.manifest.RenderInputs = &RenderInputs{PackSettings: r.packSettingsRow(), Facts: facts}
	return nil
}

// packSettingsRow returns the values that packSettings loads.
func (r *runner) packSettingsRow() PackSettings {
	p := r.cfg.Pack
	e := p.Expansion
	return PackSettings{
		VerificationWindowDays: p.VerificationWindowDays,
		DataThrough:            r.to.AddDate(0, 0, 1).Add(-time.Microsecond),
		MinReviewedCases:       e.MinReviewedCases,
		MinReviewAccuracy:      e.MinReviewAccuracy,
		MaxSev1Incidents:       e.MaxSev1Incidents,
		MaxIncidents:           e.MaxIncidents,
		MinUsageGrowth:         e.MinUsageGrowth,
	}
}

// listFacts returns every Parquet partition file under the facts
// directory with its SHA-256, reusing the hashes of the partitions this
// run wrote.
func (r *runner) listFacts(ctx context.Context) ([]PartitionInfo, error) {
	known := map[string]PartitionInfo{}
	for _, p := range r.manifest.Partitions {
		if p.File != "" {
			known[p.File] = p
		}
	}
	var out []PartitionInfo
	for _, table := range transforms.Tables {
		files, err := filepath.Glob(filepath.Join(r.factsDir(), table, "dt=*", "*.parquet"))
		if err != nil {
			return nil, fmt.Errorf("list %s facts: %w", table, err)
		}
		for _, file := range files {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			info, err := describePartition(table, file, known)
			if err != nil {
				return nil, err
			}
			out = append(out, info)
		}
	}
	return out, nil
}

func describePartition(table, file string, known map[string]PartitionInfo) (PartitionInfo, error) {
	if p, ok := known[file]; ok {
		return PartitionInfo{Table: table, Date: p.Date, Rows: p.Rows, File: file, SHA256: p.SHA256}, nil
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return PartitionInfo{}, err
	}
	day := strings.TrimPrefix(filepath.Base(filepath.Dir(file)), "dt=")
	return PartitionInfo{Table: table, Date: day, File: file, SHA256: sum}, nil
}

// recordPacks adds the files written for one pack to the manifest.
func (r *runner) recordPacks(pack *render.Pack, files []string) error {
	for _, file := range files {
		sum, err := fileSHA256(file)
		if err != nil {
			return err
		}
		r.manifest.Packs = append(r.manifest.Packs, PackFile{
			Path: file, AccountID: pack.AccountID, Period: pack.Period,
			Format: strings.TrimPrefix(filepath.Ext(file), "."), SHA256: sum,
		})
	}
	return nil
}

// fileSHA256 returns the hex SHA-256 of a file's content.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
