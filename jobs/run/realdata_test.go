package run

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/shopspring/decimal"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"

	"evidencepack/config"
	"evidencepack/transforms"
)

// realdataDir holds public sample exports in the formats the readers
// support; the tests skip when it is absent.
const realdataDir = "../../../shared/realdata"

func realdata(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(realdataDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Skipf("real sample inputs not present at %s: %v", abs, err)
	}
	return abs
}

// realFOCUSFiles are the FOCUS exports that carry every required column.
var realFOCUSFiles = []string{
	"costs/focus-1.0_sample-data_1000.csv",
	"costs/focus-spec-examples/v1.2_saas_spend_agreements_a2.csv",
	"costs/focus-spec-examples/v1.2_simple_saas_agreements_c.csv",
	"costs/focus-spec-examples/v1.2_virtual_currency_pricing_model_a2.csv",
	"costs/focus-spec-examples/working-draft_ai_billing_per_token_foundation_model_api.csv",
	"costs/focus-spec-examples/working-draft_ai_model_billing_multi_model_usage.csv",
}

var realSegmentFiles = []string{
	"usage/segment-analytics-go-fixtures/test-context-track.json",
	"usage/segment-analytics-go-fixtures/test-many-track.json",
	"usage/segment-analytics-go-fixtures/test-integrations-track.json",
	"usage/segment-analytics-go-fixtures/test-enqueue-identify.json",
	"usage/segment-analytics-go-fixtures/test-enqueue-group.json",
	"usage/segment-analytics-go-fixtures/test-enqueue-page.json",
	"usage/rudderstack_events_user_transformation_input.json",
}

var realLabelFiles = []string{
	"labels/label-studio_rlhf-pairwise-llm-answers_export.json",
	"labels/label-studio_sentiment-choices_with-history_export.json",
	"labels/label-studio_bbox_with-reviews-and-predictions_export.json",
	"labels/label-studio_chat-transcript-annotation_export.json",
}

var realIncidentFiles = []string{
	"incidents/pagerduty_rest-v2_list-incidents_example.json",
	"incidents/pagerduty_rest-v2_get-incident_example.json",
	"incidents/airbyte_source-pagerduty_expected_records.jsonl",
}

func yamlList(root string, files []string) string {
	var b strings.Builder
	for _, f := range files {
		b.WriteString("\n      - " + filepath.Join(root, f))
	}
	return b.String()
}

func realdataConfig(t *testing.T, root string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	text := `output_dir: out
accounts:
  - id: fixture-account
    name: Fixture Account
    currency: USD
pack:
  formats: [json]
sources:
  - name: focus
    kind: costs
    format: focus
    paths:` + yamlList(root, realFOCUSFiles) + `
    max_reject_ratio: 1
  - name: segment
    kind: usage
    format: segment
    account: fixture-account
    paths:` + yamlList(root, realSegmentFiles) + `
    event_types: {Download: suggestion_accepted, test track event GA3: case_opened}
    max_reject_ratio: 1
  - name: labelstudio
    kind: labels
    format: labelstudio
    account: fixture-account
    paths:` + yamlList(root, realLabelFiles) + `
    verdicts: {left: correct, right: incorrect, Positive: correct, Negative: incorrect, Neutral: partially_correct}
    max_reject_ratio: 1
  - name: pagerduty
    kind: incidents
    format: pagerduty
    paths:` + yamlList(root, realIncidentFiles) + `
    service_accounts: {PIJ90N7: fixture-account, P3VUFA7: fixture-account}
    severities: {P1: sev1, P2: sev2, high: sev2, low: sev4}
    max_reject_ratio: 1
`
	path := filepath.Join(dir, "realdata.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

// TestRunOnRealInputs runs the whole pipeline on the public samples and
// checks that every record is accounted for and that cost totals per
// currency match totals summed straight from the source files.
func TestRunOnRealInputs(t *testing.T) {
	root := realdata(t)
	cfg := realdataConfig(t, root)
	m, err := Run(context.Background(), cfg, Options{
		From: time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC),
		To:   time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	want := map[string]int64{
		"focus":       countCSVRecords(t, root, realFOCUSFiles),
		"segment":     countSegmentRecords(t, root, realSegmentFiles),
		"labelstudio": countLabelRecords(t, root, realLabelFiles),
		"pagerduty":   countIncidentRecords(t, root, realIncidentFiles),
	}
	for name, s := range m.Sources {
		if s.Records != want[name] {
			t.Errorf("source %s read %d records, the files hold %d", name, s.Records, want[name])
		}
		if s.Records != s.Facts+s.Rejected+s.Duplicates+s.OutOfWindow {
			t.Errorf("source %s: %d read != %d facts + %d quarantined + %d duplicates + %d outside",
				name, s.Records, s.Facts, s.Rejected, s.Duplicates, s.OutOfWindow)
		}
		if s.Facts == 0 {
			t.Errorf("source %s loaded no facts", name)
		}
	}
	costs := m.Sources["focus"]
	if costs.Rejected != 0 || costs.Duplicates != 0 || costs.OutOfWindow != 0 {
		t.Fatalf("focus counts = %+v, want every line loaded", costs.Counts)
	}
	checkQuarantineRows(t, m)
	wantTotals := sumCSVColumn(t, root, realFOCUSFiles, "BilledCost", "BillingCurrency")
	gotTotals := warehouseTotals(t, cfg.Resolve(cfg.Warehouse.Path))
	if len(gotTotals) != len(wantTotals) {
		t.Errorf("currencies loaded = %v, in the files = %v", gotTotals, wantTotals)
	}
	parquetTotals := parquetCostTotals(t, filepath.Join(cfg.Resolve(cfg.OutputDir), "facts", "cost_lines"))
	for cur, w := range wantTotals {
		if g, ok := gotTotals[cur]; !ok || !g.Equal(w) {
			t.Errorf("billed cost %s: warehouse %s, files %s", cur, g, w)
		}
		if g, ok := parquetTotals[cur]; !ok || !g.Equal(w) {
			t.Errorf("billed cost %s: parquet facts read by xitongsys %s, files %s", cur, g, w)
		}
	}
}

// parquetCostTotals sums billed_cost per currency over every cost_lines
// Parquet file with xitongsys/parquet-go, a second Parquet implementation.
func parquetCostTotals(t *testing.T, dir string) map[string]decimal.Decimal {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "dt=*", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cost_lines parquet files under %s (%v)", dir, err)
	}
	totals := map[string]decimal.Decimal{}
	for _, f := range files {
		fr, err := local.NewLocalFileReader(f)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := reader.NewParquetColumnReader(fr, 1)
		if err != nil {
			t.Fatalf("open %s with xitongsys: %v", f, err)
		}
		n := pr.GetNumRows()
		costs, _, _, err := pr.ReadColumnByPath("Schema\x01Billed_cost", n)
		if err != nil {
			t.Fatalf("read billed_cost of %s: %v", f, err)
		}
		currencies, _, _, err := pr.ReadColumnByPath("Schema\x01Currency", n)
		if err != nil {
			t.Fatalf("read currency of %s: %v", f, err)
		}
		for i := range costs {
			raw := []byte(costs[i].(string))
			v := new(big.Int).SetBytes(raw)
			if len(raw) > 0 && raw[0]&0x80 != 0 {
				v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(raw))))
			}
			cur := currencies[i].(string)
			totals[cur] = totals[cur].Add(decimal.NewFromBigInt(v, -transforms.MoneyScale))
		}
		pr.ReadStop()
		fr.Close()
	}
	return totals
}

// checkQuarantineRows asserts that each quarantine file has one row per
// rejected record, each with a reason.
func checkQuarantineRows(t *testing.T, m *Manifest) {
	t.Helper()
	for name, s := range m.Sources {
		f, err := os.Open(s.QuarantineFile)
		if err != nil {
			t.Errorf("source %s: open quarantine: %v", name, err)
			continue
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Errorf("source %s: read quarantine: %v", name, err)
			continue
		}
		if int64(len(rows)-1) != s.Rejected {
			t.Errorf("source %s: quarantine has %d rows, manifest says %d", name, len(rows)-1, s.Rejected)
		}
		for _, r := range rows[1:] {
			if r[4] == "" || r[1] == "" || r[2] == "0" {
				t.Errorf("source %s: quarantine row without file, record or reason: %q", name, r)
			}
		}
	}
}

func warehouseTotals(t *testing.T, path string) map[string]decimal.Decimal {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT currency, CAST(sum(billed_cost) AS VARCHAR) FROM cost_lines GROUP BY currency")
	if err != nil {
		t.Fatalf("sum cost_lines: %v", err)
	}
	defer rows.Close()
	out := map[string]decimal.Decimal{}
	for rows.Next() {
		var cur, total string
		if err := rows.Scan(&cur, &total); err != nil {
			t.Fatal(err)
		}
		out[cur] = decimal.RequireFromString(total)
	}
	return out
}

// sumCSVColumn sums a money column per currency with its own simple
// parser: currency signs, thousands separators and spaces are removed.
func sumCSVColumn(t *testing.T, root string, files []string, column, currency string) map[string]decimal.Decimal {
	t.Helper()
	totals := map[string]decimal.Decimal{}
	for _, f := range files {
		header, records := readCSV(t, filepath.Join(root, f))
		ci, cc := indexOf(header, column), indexOf(header, currency)
		for _, r := range records {
			text := strings.NewReplacer("$", "", ",", "", " ", "").Replace(r[ci])
			totals[r[cc]] = totals[r[cc]].Add(decimal.RequireFromString(text))
		}
	}
	return totals
}

func readCSV(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return all[0], all[1:]
}

func indexOf(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	return -1
}

func countCSVRecords(t *testing.T, root string, files []string) int64 {
	var n int64
	for _, f := range files {
		_, records := readCSV(t, filepath.Join(root, f))
		n += int64(len(records))
	}
	return n
}

// countSegmentRecords counts events: the entries of a batch, one per
// envelope or object otherwise.
func countSegmentRecords(t *testing.T, root string, files []string) int64 {
	var n int64
	for _, f := range files {
		var v any
		decodeFile(t, filepath.Join(root, f), &v)
		switch doc := v.(type) {
		case []any:
			n += int64(len(doc))
		case map[string]any:
			if batch, ok := doc["batch"].([]any); ok {
				n += int64(len(batch))
			} else {
				n++
			}
		}
	}
	return n
}

// countLabelRecords counts one record per annotation, and one for a task
// without annotations.
func countLabelRecords(t *testing.T, root string, files []string) int64 {
	var n int64
	for _, f := range files {
		var tasks []struct {
			Annotations []json.RawMessage `json:"annotations"`
		}
		decodeFile(t, filepath.Join(root, f), &tasks)
		for _, task := range tasks {
			n += int64(max(1, len(task.Annotations)))
		}
	}
	return n
}

// countIncidentRecords counts incidents in list and single responses and
// one record per JSON line.
func countIncidentRecords(t *testing.T, root string, files []string) int64 {
	var n int64
	for _, f := range files {
		path := filepath.Join(root, f)
		if strings.HasSuffix(f, ".jsonl") {
			n += countLines(t, path)
			continue
		}
		var doc struct {
			Incidents []json.RawMessage `json:"incidents"`
			Incident  json.RawMessage   `json:"incident"`
		}
		decodeFile(t, path, &doc)
		n += int64(len(doc.Incidents))
		if doc.Incident != nil {
			n++
		}
	}
	return n
}

func countLines(t *testing.T, path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n int64
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<24)
	for s.Scan() {
		if strings.TrimSpace(s.Text()) != "" {
			n++
		}
	}
	return n
}

func decodeFile(t *testing.T, path string, v any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

// TestRunRejectsFOCUSWithoutRequiredColumns checks that a partial FOCUS
// file stops the run with a message naming the file and the columns.
func TestRunRejectsFOCUSWithoutRequiredColumns(t *testing.T) {
	root := realdata(t)
	cfg := realdataConfig(t, root)
	file := filepath.Join(root, "costs/focus-spec-examples/v1.2_commitment_discount_purchase_scenario_3.csv")
	cfg.Sources = cfg.Sources[:1]
	cfg.Sources[0].Paths = []string{file}
	m, err := Run(context.Background(), cfg, Options{
		From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		To:   time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC),
	})
	if err == nil {
		t.Fatal("run succeeded on a FOCUS file without BillingCurrency")
	}
	for _, want := range []string{"v1.2_commitment_discount_purchase_scenario_3.csv", "BillingCurrency"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if m.FailedStep != "extract" {
		t.Errorf("failed step = %q, want extract", m.FailedStep)
	}
	facts, _ := filepath.Glob(filepath.Join(cfg.Resolve(cfg.OutputDir), "facts", "*", "*", "*.parquet"))
	if len(facts) != 0 {
		t.Errorf("a failed extract left %d parquet files", len(facts))
	}
}
