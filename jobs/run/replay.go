package run

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/checks"
	"evidencepack/jobs/render"
	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
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

// UnmarshalJSON reads a pack entry, also in the form of older manifests
// that listed packs as bare paths.
func (p *PackFile) UnmarshalJSON(data []byte) error {
	var path string
	if err := json.Unmarshal(data, &path); err == nil {
		*p = PackFile{Path: path}
		return nil
	}
	type plain PackFile
	return json.Unmarshal(data, (*plain)(p))
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
		DataThrough:            r.lastDataDay().AddDate(0, 0, 1).Add(-time.Microsecond),
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

// Outcomes of rebuilding a pack file.
const (
	PackMatch      = "match"       // the rebuilt file has the recorded SHA-256
	PackDiffers    = "differs"     // the rebuilt file has other bytes
	PackNotRebuilt = "not rebuilt" // replay could not build the file
)

// States of a recorded pack file on disk.
const (
	DiskUnchanged = "unchanged"       // the file has the SHA-256 the run recorded
	DiskChanged   = "changed on disk" // the file differs from the hash that the newest run to write it recorded
	DiskMissing   = "missing"         // the file is gone
	DiskReplaced  = "replaced"        // a later successful run wrote the file, and it has that run's SHA-256
)

// ErrReplayMismatch marks a replay whose packs or facts differ from what
// the run recorded.
var ErrReplayMismatch = errors.New("replay does not match the run")

// runIDPattern is the form of the ids that runID returns.
var runIDPattern = regexp.MustCompile(`^run-[0-9a-f]+$`)

// ValidRunID reports whether id has the form of a run id: run- and hex
// digits.
func ValidRunID(id string) bool { return runIDPattern.MatchString(id) }

// ReplayReport is the outcome of replaying one run.
type ReplayReport struct {
	RunID string
	// ChangedFacts are the recorded fact files whose SHA-256 changed since
	// the run, with SHA256 set to the recorded value.
	ChangedFacts []FactChange
	// MissingFacts are the recorded fact files that are gone.
	MissingFacts []PartitionInfo
	// ViewsChanged is set when the view SQL of this build differs from the
	// run's, so packs may differ for that reason alone.
	ViewsChanged bool
	// ConfigChanged is set when the config file differs from the run's.
	// Replay takes the accounts from the current config.
	ConfigChanged bool
	Packs         []PackResult
}

// FactChange is a recorded fact file whose content changed since the run.
type FactChange struct {
	PartitionInfo
	// DiskSHA256 is the SHA-256 of the file as replay read it.
	DiskSHA256 string
}

// PackResult is the replay outcome of one pack file.
type PackResult struct {
	PackFile
	Status string // PackMatch, PackDiffers or PackNotRebuilt
	Disk   string // DiskUnchanged, DiskChanged, DiskMissing or DiskReplaced
	// ReplacedBy is the id of the newest successful run that wrote the
	// file, when that is not the replayed run.
	ReplacedBy string
	Detail     string // the reason a pack differs or was not rebuilt, and the state of the file on disk

	rebuiltSHA256 string // empty when the file was not rebuilt
}

// Matches reports whether every pack was rebuilt to its recorded bytes,
// every pack file on disk is the one the run or a later run wrote, and
// every fact file is unchanged.
func (rep *ReplayReport) Matches() bool {
	if len(rep.ChangedFacts) > 0 || len(rep.MissingFacts) > 0 {
		return false
	}
	for _, p := range rep.Packs {
		if p.Status != PackMatch || p.Tampered() {
			return false
		}
	}
	return true
}

// Tampered reports whether the pack file on disk is gone or has bytes
// that neither the run nor a later run that wrote it recorded.
func (p *PackResult) Tampered() bool {
	return p.Disk == DiskChanged || p.Disk == DiskMissing
}

// FactsLeftOut returns the number of recorded fact files that the rebuild
// did not load because they changed or are gone.
func (rep *ReplayReport) FactsLeftOut() int {
	return len(rep.ChangedFacts) + len(rep.MissingFacts)
}

// Replay rebuilds the packs of a past run from its recorded Parquet facts
// in a temporary DuckDB database and compares them byte for byte with
// the packs the run wrote, and checks the pack files on disk against the
// hashes the run, or a later run that rewrote them, recorded. It hashes
// every recorded fact file first and leaves the changed and missing ones
// out of the rebuild, so a corrupted file is reported and never read as
// Parquet. It fails with ErrInput when the run is unknown or was recorded
// without its render inputs. Differences are reported, not returned as
// an error. configBytes is the raw config file, compared with the run's
// config hash.
func Replay(ctx context.Context, cfg *config.Config, runID string, configBytes []byte) (*ReplayReport, error) {
	m, err := readRunManifest(cfg, runID)
	if err != nil {
		return nil, err
	}
	configSum := sha256.Sum256(configBytes)
	rep := &ReplayReport{RunID: m.RunID, ConfigChanged: hex.EncodeToString(configSum[:]) != m.ConfigSHA256}
	intact, err := checkFacts(ctx, m, rep)
	if err != nil {
		return nil, err
	}
	views, err := evsql.ViewsSHA256(evsql.DuckDB())
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", runID, err)
	}
	rep.ViewsChanged = views != m.ViewsSHA256
	tmp, err := os.MkdirTemp("", "evidencepack-replay-*")
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", runID, err)
	}
	defer os.RemoveAll(tmp)
	wh, err := loadReplayWarehouse(ctx, cfg, m, intact, filepath.Join(tmp, "replay.duckdb"))
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w: %w", runID, ErrWarehouse, err)
	}
	defer wh.Close()
	if rep.Packs, err = replayPacks(ctx, cfg, m, wh.DB(), filepath.Join(tmp, "packs")); err != nil {
		return nil, fmt.Errorf("replay %s: %w", runID, err)
	}
	if err := checkPacksOnDisk(ctx, cfg, m, rep.Packs); err != nil {
		return nil, fmt.Errorf("replay %s: %w", runID, err)
	}
	return rep, nil
}

// readRunManifest reads the manifest of a successful run that recorded
// its render inputs.
func readRunManifest(cfg *config.Config, runID string) (*Manifest, error) {
	if !runIDPattern.MatchString(runID) {
		return nil, fmt.Errorf("%w: invalid run id %q: expected run- and hex digits, as `evidencepack runs` lists them", config.ErrInvalid, runID)
	}
	path := ManifestPath(cfg, runID)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		// A failed or cancelled run has a manifest named after its start.
		if others, _ := filepath.Glob(strings.TrimSuffix(path, ".json") + "-*.json"); len(others) > 0 {
			return nil, fmt.Errorf("%w: run %s did not succeed (manifest %s): only a successful run can be replayed",
				ErrInput, runID, others[len(others)-1])
		}
		return nil, fmt.Errorf("%w: run %s not found: no manifest %s; `evidencepack runs --config FILE` lists recent runs", ErrInput, runID, path)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: read manifest of run %s: %w", ErrInput, runID, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%w: invalid manifest %s: %w", ErrInput, path, err)
	}
	if m.Status != StatusSucceeded {
		return nil, fmt.Errorf("%w: run %s has status %s (failed step %q), so it wrote no packs to replay", ErrInput, runID, m.Status, m.FailedStep)
	}
	if m.RenderInputs == nil {
		return nil, fmt.Errorf("%w: run %s recorded no render inputs, because an older build wrote it; run its window again to replay it later", ErrInput, runID)
	}
	return &m, nil
}

// checkFacts hashes every fact file the run's packs were rendered from.
// It records the changed and missing files in rep and returns the files
// that still have their recorded SHA-256.
//
// NOTE: a later run whose window overlaps rewrites these partitions, so
// a fact file legitimately rewritten since the run is reported as changed.
func checkFacts(ctx context.Context, m *Manifest, rep *ReplayReport) ([]PartitionInfo, error) {
	var intact []PartitionInfo
	for _, p := range m.RenderInputs.Facts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sum, err := fileSHA256(p.File)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			rep.MissingFacts = append(rep.MissingFacts, p)
		case err != nil:
			return nil, fmt.Errorf("%w: fact file of run %s: %w", ErrInput, m.RunID, err)
		case sum != p.SHA256:
			rep.ChangedFacts = append(rep.ChangedFacts, FactChange{PartitionInfo: p, DiskSHA256: sum})
		default:
			intact = append(intact, p)
		}
	}
	return intact, nil
}

// loadReplayWarehouse creates a DuckDB database at path with the run's
// facts, the config's accounts and the run's pack settings.
func loadReplayWarehouse(ctx context.Context, cfg *config.Config, m *Manifest, facts []PartitionInfo, path string) (*warehouse.DuckDB, error) {
	wh, err := warehouse.OpenDuckDB(ctx, path)
	if err != nil {
		return nil, err
	}
	tables, err := evsql.Tables(evsql.DuckDB())
	if err == nil {
		err = wh.Exec(ctx, toStatements(tables))
	}
	if err == nil {
		extra := append(warehouse.AccountStatements(cfg.Accounts), replaySettings(m.RenderInputs.PackSettings)...)
		extra = append(extra, checks.FreshnessStatements(m.Freshness)...)
		err = wh.Replace(ctx, replayLoads(facts), extra)
	}
	if err == nil {
		err = createViews(ctx, wh)
	}
	if err != nil {
		wh.Close()
		return nil, err
	}
	return wh, nil
}

func createViews(ctx context.Context, wh *warehouse.DuckDB) error {
	views, err := evsql.Views(evsql.DuckDB())
	if err != nil {
		return err
	}
	return wh.Exec(ctx, toStatements(views))
}

// replayLoads groups the fact files by table. The replay database starts
// empty, so no rows are deleted first.
func replayLoads(facts []PartitionInfo) []warehouse.TableLoad {
	var loads []warehouse.TableLoad
	for _, table := range transforms.Tables {
		load := warehouse.TableLoad{Table: table}
		for _, p := range facts {
			if p.Table == table {
				load.Files = append(load.Files, p.File)
			}
		}
		if len(load.Files) > 0 {
			loads = append(loads, load)
		}
	}
	return loads
}

// replaySettings loads the pack settings row the run recorded.
func replaySettings(s PackSettings) []warehouse.Statement {
	return []warehouse.Statement{{
		Name: "pack_settings",
		SQL:  "INSERT INTO pack_settings VALUES (?, ?, ?, ?, ?, ?, ?)",
		Args: []any{s.VerificationWindowDays, s.DataThrough, s.MinReviewedCases, s.MinReviewAccuracy,
			s.MaxSev1Incidents, s.MaxIncidents, s.MinUsageGrowth},
	}}
}

// replayPacks builds each recorded pack again into dir and compares it.
func replayPacks(ctx context.Context, cfg *config.Config, m *Manifest, db *sql.DB, dir string) ([]PackResult, error) {
	prov := render.Provenance{
		RunID: m.RunID, DataThrough: m.To,
		InputsSHA256: m.InputsSHA256, ViewsSHA256: m.ViewsSHA256,
	}
	if m.RenderInputs != nil && !m.RenderInputs.PackSettings.DataThrough.IsZero() {
		prov.DataThrough = m.RenderInputs.PackSettings.DataThrough.UTC().Format(time.DateOnly)
	}
	var results []PackResult
	for _, group := range groupPacks(m.Packs) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rebuilt, err := rebuildPack(ctx, cfg, db, dir, group, prov)
		if err != nil {
			return nil, err
		}
		results = append(results, rebuilt...)
	}
	return results, nil
}

// groupPacks returns the pack files of each account and period together,
// in the order the run wrote them.
func groupPacks(files []PackFile) [][]PackFile {
	index := map[string]int{}
	var groups [][]PackFile
	for _, f := range files {
		key := f.AccountID + "\x00" + f.Period
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], f)
	}
	return groups
}

// rebuildPack renders the files of one account and period into dir and
// compares each with its recorded file.
func rebuildPack(ctx context.Context, cfg *config.Config, db *sql.DB, dir string, files []PackFile, prov render.Provenance) ([]PackResult, error) {
	account, period := files[0].AccountID, files[0].Period
	if _, ok := cfg.Account(account); !ok {
		return packResults(files, PackNotRebuilt, "account "+account+" is not in the config"), nil
	}
	pack, err := render.Build(ctx, db, account, period, prov)
	if err != nil {
		return nil, fmt.Errorf("%w: account %s period %s: %w", ErrWarehouse, account, period, err)
	}
	formats := make([]string, len(files))
	for i, f := range files {
		formats[i] = f.Format
	}
	written, err := render.Write(dir, pack, formats)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	results := make([]PackResult, len(files))
	for i, f := range files {
		if results[i], err = comparePack(f, written[i]); err != nil {
			return nil, err
		}
	}
	return results, nil
}

func packResults(files []PackFile, status, detail string) []PackResult {
	out := make([]PackResult, len(files))
	for i, f := range files {
		out[i] = PackResult{PackFile: f, Status: status, Detail: detail}
	}
	return out
}

// comparePack compares a rebuilt pack file with the SHA-256 the run
// recorded.
func comparePack(recorded PackFile, rebuiltPath string) (PackResult, error) {
	rebuilt, err := os.ReadFile(rebuiltPath)
	if err != nil {
		return PackResult{}, fmt.Errorf("%w: read rebuilt pack %s: %w", ErrOutput, rebuiltPath, err)
	}
	sum := sha256.Sum256(rebuilt)
	res := PackResult{PackFile: recorded, Status: PackMatch, rebuiltSHA256: hex.EncodeToString(sum[:])}
	if res.rebuiltSHA256 != recorded.SHA256 {
		res.Status = PackDiffers
		res.Detail = "rebuilt sha256 " + shortHash(res.rebuiltSHA256) + ", recorded " + shortHash(recorded.SHA256)
	}
	return res, nil
}

func shortHash(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	if sum == "" {
		return "none"
	}
	return sum
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
