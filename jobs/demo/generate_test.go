package demo

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// generated caches one default run per seed, because several tests read
// the same files.
var generated = map[int64]struct {
	dir     string
	summary Summary
}{}

// generate runs Generate with the default options and the given seed once
// per test binary and returns the output directory and summary.
func generate(t *testing.T, seed int64) (string, Summary) {
	t.Helper()
	if run, ok := generated[seed]; ok {
		return run.dir, run.summary
	}
	dir, err := os.MkdirTemp("", "demo-seed-"+strconv.FormatInt(seed, 10)+"-")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Generate(context.Background(), dir, Options{Seed: seed})
	if err != nil {
		t.Fatalf("Generate(seed %d): %v", seed, err)
	}
	generated[seed] = struct {
		dir     string
		summary Summary
	}{dir, s}
	return dir, s
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, run := range generated {
		os.RemoveAll(run.dir)
	}
	os.Exit(code)
}

// fileHashes returns the SHA-256 of every file under dir by relative path.
func fileHashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	hashes := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		hashes[filepath.ToSlash(rel)] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hashes
}

func TestGenerateSameSeedIdenticalBytes(t *testing.T) {
	dir, _ := generate(t, 1)
	again := t.TempDir()
	if _, err := Generate(context.Background(), again, Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	want, got := fileHashes(t, dir), fileHashes(t, again)
	if len(got) != len(want) {
		t.Fatalf("second run wrote %d files, first wrote %d", len(got), len(want))
	}
	for path, sum := range want {
		if got[path] != sum {
			t.Errorf("%s differs between two runs with seed 1", path)
		}
	}
}

func TestGenerateOtherSeedDiffers(t *testing.T) {
	first, _ := generate(t, 1)
	second, _ := generate(t, 2)
	a, b := fileHashes(t, first), fileHashes(t, second)
	for _, path := range []string{"accounts.csv", "usage/2026-07-01.jsonl", "labels/export-2026-08.json",
		"costs/focus-2026-07.csv", "costs/focus-2026-09.parquet", "incidents/incidents-2026-09.json"} {
		if a[path] == b[path] {
			t.Errorf("%s is identical for seeds 1 and 2", path)
		}
	}
}

func TestGenerateWritesExpectedFiles(t *testing.T) {
	dir, s := generate(t, 1)
	perKind := map[string]int{}
	for _, f := range s.Files {
		perKind[f.Kind]++
		if _, err := os.Stat(filepath.Join(dir, f.Path)); err != nil {
			t.Errorf("summary lists %s: %v", f.Path, err)
		}
	}
	want := map[string]int{KindAccounts: 1, KindUsage: 92 + 3, KindLabels: 3, KindCosts: 3, KindIncidents: 3}
	for kind, n := range want {
		if perKind[kind] != n {
			t.Errorf("%s files = %d, want %d", kind, perKind[kind], n)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".*tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
	for _, name := range []string{"focus-2026-07.csv", "focus-2026-08.csv", "focus-2026-09.parquet"} {
		if _, err := os.Stat(filepath.Join(dir, "costs", name)); err != nil {
			t.Errorf("costs/%s: %v", name, err)
		}
	}
}

func TestGenerateJSONFilesParse(t *testing.T) {
	dir, _ := generate(t, 1)
	patterns := []string{"labels/*.json", "incidents/*.json", "usage/batches/*.json"}
	for _, pattern := range patterns {
		paths, _ := filepath.Glob(filepath.Join(dir, pattern))
		if len(paths) == 0 {
			t.Errorf("no files match %s", pattern)
		}
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(data) {
				t.Errorf("%s is not valid JSON", path)
			}
		}
	}
}

// readAccounts returns the rows of accounts.csv after the header.
func readAccounts(t *testing.T, dir string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "accounts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != strings.Join(accountsHeader, ",") {
		t.Fatalf("header = %s", got)
	}
	return rows[1:]
}

func TestAccountsCSVRowsConsistent(t *testing.T) {
	dir, _ := generate(t, 1)
	rows := readAccounts(t, dir)
	perAccount := map[string][]string{}
	first := map[string][]string{}
	currencies := map[string]bool{}
	for _, row := range rows {
		id := row[0]
		perAccount[id] = append(perAccount[id], row[5])
		currencies[row[2]] = true
		if f, ok := first[id]; ok {
			if strings.Join(f[:5], ",") != strings.Join(row[:5], ",") {
				t.Errorf("account %s rows disagree on name, currency, renewal or contract: %v vs %v", id, f[:5], row[:5])
			}
		} else {
			first[id] = row
		}
		checkAccountRow(t, row)
	}
	if len(perAccount) != DefaultAccounts {
		t.Errorf("accounts = %d, want %d", len(perAccount), DefaultAccounts)
	}
	for id, wfs := range perAccount {
		if len(wfs) < 2 || len(wfs) > 4 {
			t.Errorf("account %s has %d workflows, want 2 to 4", id, len(wfs))
		}
	}
	for _, id := range []string{"northwind-logistics", "contoso-claims", "acme-health"} {
		if perAccount[id] == nil {
			t.Errorf("account %s missing", id)
		}
	}
	if len(currencies) < 3 {
		t.Errorf("currencies = %v, want USD, EUR and GBP", currencies)
	}
}

// checkAccountRow checks the value ranges of one accounts.csv row.
func checkAccountRow(t *testing.T, row []string) {
	t.Helper()
	renewal, err := time.Parse(time.DateOnly, row[3])
	if err != nil || renewal.Before(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) || renewal.After(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%s renewal_date %q outside 2026-10-01..2027-06-30", row[0], row[3])
	}
	if base, _ := strconv.Atoi(row[6]); base < 600 || base > 2400 {
		t.Errorf("%s/%s baseline handle time %q outside 600..2400", row[0], row[5], row[6])
	}
	if rate, _ := strconv.ParseFloat(row[7], 64); rate < 0.05 || rate > 0.20 {
		t.Errorf("%s/%s baseline reopen rate %q outside 0.05..0.20", row[0], row[5], row[7])
	}
	if hourly, _ := strconv.ParseFloat(row[8], 64); hourly < 38.5 || hourly > 95 {
		t.Errorf("%s/%s hourly rate %q outside 38.50..95.00", row[0], row[5], row[8])
	}
	if !strings.Contains(row[4], ".") || !strings.Contains(row[8], ".") {
		t.Errorf("%s money is not decimal text: %q, %q", row[0], row[4], row[8])
	}
}

// usageRecord is the part of a usage line the tests look at.
type usageRecord struct {
	Type       string `json:"type"`
	MessageID  string `json:"messageId"`
	Timestamp  string `json:"timestamp"`
	Event      string `json:"event"`
	Properties struct {
		AccountID  string   `json:"account_id"`
		Workflow   string   `json:"workflow"`
		HandleTime *float64 `json:"handle_time_seconds"`
	} `json:"properties"`
}

// scanUsage reads every daily file and counts malformed records by kind,
// late events and duplicate lines, checking account and workflow names
// against accounts.csv.
func scanUsage(t *testing.T, dir string) map[string]int {
	t.Helper()
	workflows := map[string]bool{}
	for _, row := range readAccounts(t, dir) {
		workflows[row[0]+"/"+row[5]] = true
	}
	counts := map[string]int{}
	seen := map[string]bool{}
	paths, _ := filepath.Glob(filepath.Join(dir, "usage", "*.jsonl"))
	for _, path := range paths {
		fileDay, _ := time.Parse(time.DateOnly, strings.TrimSuffix(filepath.Base(path), ".jsonl"))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := sc.Text()
			if seen[line] {
				counts[DefectDuplicateLine]++
				continue
			}
			seen[line] = true
			classifyUsageLine(t, line, fileDay, workflows, counts)
		}
	}
	return counts
}

// classifyUsageLine counts one first-seen usage line under its defect.
func classifyUsageLine(t *testing.T, line string, fileDay time.Time, workflows map[string]bool, counts map[string]int) {
	t.Helper()
	var rec usageRecord
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		counts[DefectBadJSON]++
		return
	}
	switch {
	case rec.Type == "identify":
		counts[DefectIdentifyCall]++
		return
	case rec.Event == eventUnknown:
		counts[DefectUnknownEvent]++
		return
	case rec.Properties.HandleTime != nil && *rec.Properties.HandleTime < 0:
		counts[DefectNegativeHandleTime]++
		return
	}
	at, err := time.Parse(time.RFC3339Nano, rec.Timestamp)
	if err != nil {
		counts[DefectZonelessTimestamp]++
		return
	}
	if utcDay(at).Before(fileDay) {
		counts[DefectLateEvent]++
	}
	if rec.Properties.Workflow != "" && !workflows[rec.Properties.AccountID+"/"+rec.Properties.Workflow] {
		t.Errorf("event %s names %s/%s, not in accounts.csv", rec.MessageID, rec.Properties.AccountID, rec.Properties.Workflow)
	}
}

func TestUsageDefectsPresent(t *testing.T) {
	dir, s := generate(t, 1)
	counts := scanUsage(t, dir)
	tests := []struct {
		defect string
		min    int
	}{
		{DefectBadJSON, 1},
		{DefectZonelessTimestamp, 1},
		{DefectUnknownEvent, 1},
		{DefectNegativeHandleTime, 1},
		{DefectIdentifyCall, 1},
		{DefectDuplicateLine, 5},
		{DefectLateEvent, 50},
	}
	for _, tt := range tests {
		t.Run(tt.defect, func(t *testing.T) {
			if counts[tt.defect] < tt.min {
				t.Errorf("found %d, want at least %d", counts[tt.defect], tt.min)
			}
			if counts[tt.defect] != s.Defects[tt.defect] {
				t.Errorf("found %d, summary says %d", counts[tt.defect], s.Defects[tt.defect])
			}
		})
	}
	malformed := 0
	for _, kind := range malformedKinds {
		malformed += counts[kind]
	}
	if lines := s.Records[KindUsage]; malformed*1000 > lines {
		t.Errorf("%d malformed records in %d lines: more than 1 in 1000", malformed, lines)
	}
}

func TestUsageEventsMatchSpec(t *testing.T) {
	dir, _ := generate(t, 1)
	data, err := os.ReadFile(filepath.Join(dir, "usage", "2026-08-12.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	offsets := 0
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		var rec usageRecord
		if json.Unmarshal([]byte(line), &rec) != nil || rec.Type != "track" {
			continue
		}
		names[rec.Event]++
		if strings.HasSuffix(rec.Timestamp, "+02:00") {
			offsets++
		}
	}
	for _, name := range []string{eventCaseOpened, eventCaseResolved, eventSuggestion} {
		if names[name] == 0 {
			t.Errorf("no %q events on 2026-08-12", name)
		}
	}
	if offsets == 0 {
		t.Error("no +02:00 timestamps on 2026-08-12")
	}
}

// lsExportTask is the part of a Label Studio task the tests look at.
type lsExportTask struct {
	ID          int `json:"id"`
	Annotations []struct {
		ID           int             `json:"id"`
		CompletedBy  json.RawMessage `json:"completed_by"`
		WasCancelled bool            `json:"was_cancelled"`
		UpdatedAt    string          `json:"updated_at"`
	} `json:"annotations"`
}

func TestLabelExportsHaveIrregularities(t *testing.T) {
	dir, s := generate(t, 1)
	counts := map[string]int{}
	plainIDs := 0
	paths, _ := filepath.Glob(filepath.Join(dir, "labels", "*.json"))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var tasks []lsExportTask
		if err := json.Unmarshal(data, &tasks); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		seen := map[int]bool{}
		for _, task := range tasks {
			if seen[task.ID] {
				counts[DefectUpdatedTask]++
			}
			seen[task.ID] = true
			if len(task.Annotations) == 0 {
				counts[DefectUnannotatedTask]++
			}
			for _, a := range task.Annotations {
				if a.WasCancelled {
					counts[DefectCancelledAnnotation]++
				}
				if _, err := strconv.Atoi(string(a.CompletedBy)); err == nil {
					plainIDs++
				}
			}
		}
	}
	for _, defect := range []string{DefectUpdatedTask, DefectUnannotatedTask, DefectCancelledAnnotation} {
		if counts[defect] == 0 || counts[defect] != s.Defects[defect] {
			t.Errorf("%s: found %d, summary says %d", defect, counts[defect], s.Defects[defect])
		}
	}
	if plainIDs == 0 {
		t.Error("no annotation has completed_by as a bare id")
	}
	for _, defect := range []string{DefectSecondReviewer, DefectFeedbackEmail, DefectFeedbackPhone} {
		if s.Defects[defect] == 0 {
			t.Errorf("%s: none written", defect)
		}
	}
}

func TestCostsCSVFormat(t *testing.T) {
	dir, _ := generate(t, 1)
	data, err := os.ReadFile(filepath.Join(dir, "costs", "focus-2026-07.csv"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	checks := []struct {
		name, substring string
	}{
		{"unquoted NULL", ",NULL,"},
		{"tag JSON in a cell", `"{""customer"":""acme-health"",""env"":""prod""}"`},
		{"mapped sub-account", `"004417230981"`},
		{"credit", `"Credit"`},
		{"tax", `"Tax"`},
		{"purchase", `"Purchase"`},
		{"EUR billing", `"EUR"`},
		{"GBP billing", `"GBP"`},
		{"zoneless timestamp", `"2026-07-01 00:00:00"`},
	}
	for _, c := range checks {
		if !strings.Contains(text, c.substring) {
			t.Errorf("%s: %q not found", c.name, c.substring)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows[0]) != len(focusColumns) {
		t.Errorf("header has %d columns, want %d", len(rows[0]), len(focusColumns))
	}
}

// TestCommitmentCoversUsage checks that each Purchase line's billed cost
// equals the effective cost of the usage lines it covered.
func TestCommitmentCoversUsage(t *testing.T) {
	dir, _ := generate(t, 1)
	f, err := os.Open(filepath.Join(dir, "costs", "focus-2026-08.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}

	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	purchased, covered := map[string]string{}, map[string]int64{}
	for _, row := range rows[1:] {
		id := row[col["CommitmentDiscountId"]]
		switch {
		case id == "NULL":
		case row[col["ChargeCategory"]] == "Purchase":
			purchased[id] = row[col["BilledCost"]]
		default:
			if row[col["BilledCost"]] != "0.0000000000" {
				t.Errorf("covered usage line billed %s, want 0", row[col["BilledCost"]])
			}
			covered[id] += parseUnits(t, row[col["EffectiveCost"]])
		}
	}

	if len(purchased) == 0 {
		t.Fatal("no Purchase lines")
	}
	for id, billed := range purchased {
		if got := formatUnits(covered[id]); got != billed {
			t.Errorf("%s: purchase billed %s, covered usage effective %s", id, billed, got)
		}
	}
}

// parseUnits parses decimal text with up to ten fractional digits into
// 10⁻¹⁰ units.
func parseUnits(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	frac += strings.Repeat("0", unitDigits-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return w*unitsPerUnit + f
}

func TestCostsParquetReadsBack(t *testing.T) {
	dir, s := generate(t, 1)
	path := filepath.Join(dir, "costs", "focus-2026-09.parquet")
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	table, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer table.Release()

	want := 0
	for _, f := range s.Files {
		if f.Path == "costs/focus-2026-09.parquet" {
			want = f.Records
		}
	}
	if table.NumRows() != int64(want) || want == 0 {
		t.Errorf("rows = %d, summary says %d", table.NumRows(), want)
	}

	schema := table.Schema()
	billed := schema.FieldIndices("BilledCost")
	if len(billed) != 1 {
		t.Fatal("BilledCost column missing")
	}
	dt, ok := schema.Field(billed[0]).Type.(*arrow.Decimal128Type)
	if !ok || dt.Precision != 38 || dt.Scale != 12 {
		t.Errorf("BilledCost type = %s, want decimal128(38, 12)", schema.Field(billed[0]).Type)
	}
	start := schema.FieldIndices("ChargePeriodStart")
	if ts, ok := schema.Field(start[0]).Type.(*arrow.TimestampType); !ok || ts.Unit != arrow.Microsecond {
		t.Errorf("ChargePeriodStart type = %s, want timestamp[us]", schema.Field(start[0]).Type)
	}
	tags := table.Column(schema.FieldIndices("Tags")[0]).Data().Chunk(0).(*array.String)
	if tags.NullN() == 0 {
		t.Error("no NULL Tags in the parquet export")
	}
}

func TestIncidentsVariety(t *testing.T) {
	dir, s := generate(t, 1)
	accounts := map[string]bool{}
	for _, row := range readAccounts(t, dir) {
		accounts[row[0]] = true
	}
	var statuses = map[string]int{}
	p1 := 0
	paths, _ := filepath.Glob(filepath.Join(dir, "incidents", "*.json"))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var list pdList
		if err := json.Unmarshal(data, &list); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, inc := range list.Incidents {
			statuses[inc.Status]++
			if inc.Priority != nil && inc.Priority.Summary == "P1" {
				p1++
			}
			if !accounts[inc.Service.Summary] {
				t.Errorf("incident %s names service %q, not an account", inc.ID, inc.Service.Summary)
			}
			if (inc.Status == statusResolved) != (inc.ResolvedAt != nil) {
				t.Errorf("incident %s: status %s with resolved_at %v", inc.ID, inc.Status, inc.ResolvedAt)
			}
		}
	}
	if p1 == 0 {
		t.Error("no P1 incident")
	}
	if open := statuses[statusTriggered] + statuses[statusAcknowledged]; open == 0 || open != s.Defects[DefectUnresolvedIncident] {
		t.Errorf("unresolved incidents = %d, summary says %d", open, s.Defects[DefectUnresolvedIncident])
	}
}

func TestGenerateOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr bool
	}{
		{"one account", Options{Accounts: 1}, true},
		{"negative scale", Options{Scale: -1}, true},
		{"reversed range", Options{From: DefaultTo, To: DefaultFrom}, true},
		{"tiny scale", Options{Accounts: 2, Scale: 0.001}, false},
		{"one small month", Options{Accounts: 3, Scale: 0.2,
			From: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Generate(context.Background(), t.TempDir(), tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && s.Records[KindUsage] == 0 {
				t.Error("no usage records")
			}
		})
	}
}

func TestGenerateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := Generate(ctx, dir, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("cancelled run wrote %d entries", len(entries))
	}
}

func TestSummaryString(t *testing.T) {
	_, s := generate(t, 1)
	out := s.String()
	for _, want := range []string{"accounts", "usage", DefectBadJSON, DefectCredit} {
		if !strings.Contains(out, want) {
			t.Errorf("summary text lacks %q:\n%s", want, out)
		}
	}
	t.Log("\n" + out)
}
