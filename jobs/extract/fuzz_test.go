package extract

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"evidencepack/config"
	"evidencepack/transforms"
)

// The fuzz targets below feed arbitrary bytes to each reader and check the
// contract every reader keeps, whatever the input:
//
//   - Read does not panic, and the records it returns equal the facts plus
//     the rejects it reported, also when it returns an error.
//   - Each record number from 1 to records is reported exactly once. A
//     reject therefore always has Record ≥ 1: a problem with the whole file
//     (not JSON at all, a bad CSV header, not Parquet) is returned as an
//     error, never as a reject with record 0.
//   - Every reject names its file and has a reason.
//   - Every fact has a non-empty key, id and account, its timestamps are
//     UTC with microsecond precision and fit an Arrow microsecond
//     timestamp, and its money and quantities read back unchanged through
//     transforms.FormatDecimal and transforms.ParseDecimal.
//
// Seed inputs live under testdata/fuzz/<FuzzName>/; plain `go test` runs
// them, and `make fuzz` explores from them.

// fuzzSink counts the reader's outcomes and keeps what the checks need.
type fuzzSink struct {
	facts   []transforms.Fact
	rejects []transforms.Reject
}

func (s *fuzzSink) Fact(f transforms.Fact) error {
	s.facts = append(s.facts, f)
	return nil
}

func (s *fuzzSink) Reject(r transforms.Reject) error {
	s.rejects = append(s.rejects, r)
	return nil
}

// fuzzRead writes data to a file named name in a temporary directory, reads
// it with the reader of src and checks the reader contract.
func fuzzRead(t *testing.T, src config.Source, name string, data []byte) {
	t.Helper()
	r, err := New(src)
	if err != nil {
		t.Fatalf("New(%s/%s): %v", src.Format, src.Kind, err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sink := &fuzzSink{}
	n, readErr := r.Read(context.Background(), path, sink)
	if got := int64(len(sink.facts) + len(sink.rejects)); got != n {
		t.Fatalf("%s %s: records = %d, facts + rejects = %d (read error: %v)", src.Format, name, n, got, readErr)
	}
	checkRecordNumbers(t, sink, n)
	for _, rej := range sink.rejects {
		checkReject(t, rej, path)
	}
	for _, f := range sink.facts {
		checkFact(t, f)
	}
}

// checkRecordNumbers checks that the facts and rejects cover the record
// numbers 1..n once each.
func checkRecordNumbers(t *testing.T, sink *fuzzSink, n int64) {
	t.Helper()
	seen := make(map[int64]bool, n)
	mark := func(o transforms.Origin, what string) {
		if o.Record < 1 || o.Record > n {
			t.Fatalf("%s has record number %d, want 1..%d", what, o.Record, n)
		}
		if seen[o.Record] {
			t.Fatalf("record %d reported twice (second time as a %s)", o.Record, what)
		}
		seen[o.Record] = true
	}
	for _, f := range sink.facts {
		mark(f.Origin(), "fact")
	}
	for _, r := range sink.rejects {
		mark(r.Origin, "reject")
	}
}

func checkReject(t *testing.T, r transforms.Reject, path string) {
	t.Helper()
	if r.Reason == "" {
		t.Errorf("record %d: reject without a reason: %+v", r.Record, r)
	}
	if r.File != path {
		t.Errorf("record %d: reject names file %q, want %q", r.Record, r.File, path)
	}
	if r.Source == "" {
		t.Errorf("record %d: reject without a source", r.Record)
	}
}

// checkFact checks the id, account, timestamps and decimals of one fact.
func checkFact(t *testing.T, f transforms.Fact) {
	t.Helper()
	o := f.Origin()
	if f.Key() == "" {
		t.Errorf("record %d: fact with an empty key: %+v", o.Record, f)
	}
	var id, account string
	var times []time.Time
	switch x := f.(type) {
	case *transforms.UsageEvent:
		id, account = x.EventID, x.AccountID
		times = []time.Time{x.OccurredAt}
	case *transforms.ReviewLabel:
		id, account = x.LabelID, x.AccountID
		times = []time.Time{x.LabeledAt, x.UpdatedAt}
	case *transforms.CostLine:
		id, account = x.LineID, x.AccountID
		times = []time.Time{x.ChargePeriodStart, x.ChargePeriodEnd}
		checkCostDecimals(t, x)
	case *transforms.Incident:
		id, account = x.IncidentID, x.AccountID
		times = []time.Time{x.OpenedAt, x.AcknowledgedAt, x.ResolvedAt, x.UpdatedAt}
	default:
		t.Fatalf("record %d: unknown fact type %T", o.Record, f)
	}
	if id == "" || account == "" {
		t.Errorf("record %d: fact with id %q and account %q, want both non-empty", o.Record, id, account)
	}
	for i, ts := range times {
		checkTimestamp(t, o.Record, i, ts, i == 0)
	}
}

// checkTimestamp checks one timestamp of a fact; the first one of each
// fact is required and must be set.
func checkTimestamp(t *testing.T, record int64, index int, ts time.Time, required bool) {
	t.Helper()
	if ts.IsZero() {
		if required {
			t.Errorf("record %d: required timestamp is zero", record)
		}
		return
	}
	if ts.Location() != time.UTC {
		t.Errorf("record %d: timestamp %d is in %s, want UTC", record, index, ts.Location())
	}
	if ts.Nanosecond()%1000 != 0 {
		t.Errorf("record %d: timestamp %d = %s has digits below the microsecond", record, index, ts.Format(time.RFC3339Nano))
	}
	if back := time.UnixMicro(ts.UnixMicro()).UTC(); !back.Equal(ts) {
		t.Errorf("record %d: timestamp %d = %s does not fit int64 microseconds (reads back as %s)", record, index, ts, back)
	}
}

func checkCostDecimals(t *testing.T, c *transforms.CostLine) {
	t.Helper()
	checkDecimal(t, c.From.Record, "billed_cost", c.BilledCost, transforms.MoneyScale)
	checkDecimal(t, c.From.Record, "effective_cost", c.EffectiveCost, transforms.MoneyScale)
	if c.ConsumedQuantity != nil {
		checkDecimal(t, c.From.Record, "consumed_quantity", *c.ConsumedQuantity, transforms.QuantityScale)
	}
	if c.Currency == "" {
		t.Errorf("record %d: cost line without a currency", c.From.Record)
	}
}

// checkDecimal checks that a decimal survives FormatDecimal then
// ParseDecimal at the same scale.
func checkDecimal(t *testing.T, record int64, column string, n decimal128.Num, scale int32) {
	t.Helper()
	text := transforms.FormatDecimal(n, scale)
	back, err := transforms.ParseDecimal(text, scale)
	if err != nil {
		t.Errorf("record %d: %s %s does not parse back: %v", record, column, text, err)
		return
	}
	if back != n {
		t.Errorf("record %d: %s %s reads back as %s", record, column, text, transforms.FormatDecimal(back, scale))
	}
}

// addGeneratedSeeds adds inputs too large to commit as corpus files: a
// 1 MB line and JSON nested far past encoding/json's depth limit. Plain
// `go test` runs them. A -fuzz run leaves them out, because minimizing an
// interesting mutation of a 1 MB input takes up to -fuzzminimizetime (60 s
// by default) and stalled the fuzzer for most of each run.
func addGeneratedSeeds(f *testing.F, jsonInput bool) {
	if fuzzing := flag.Lookup("test.fuzz"); fuzzing != nil && fuzzing.Value.String() != "" {
		return
	}
	long := strings.Repeat("x", 1<<20)
	if jsonInput {
		f.Add([]byte(`{"type":"track","event":"` + long + `"}` + "\n"))
		f.Add([]byte(strings.Repeat("[", 20000) + strings.Repeat("]", 20000)))
		f.Add([]byte(`{"a":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20001)))
		return
	}
	f.Add([]byte("BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ChargeCategory\n" +
		"1,USD,2024-01-01,2024-01-02,\"" + long + "\"\n"))
}

// genericSources returns a csv or jsonl source for each kind, reading the
// fact columns by their own names. Naive timestamps are read as UTC, and
// the usage source has a fixed account for events that name none.
func genericSources(format string) []config.Source {
	return []config.Source{
		{Name: "fuzz_usage", Kind: KindUsage, Format: format, TimeZone: "UTC", Account: "acct-fixed"},
		{Name: "fuzz_labels", Kind: KindLabels, Format: format, TimeZone: "UTC"},
		{Name: "fuzz_costs", Kind: KindCosts, Format: format, TimeZone: "UTC"},
		{Name: "fuzz_incidents", Kind: KindIncidents, Format: format, TimeZone: "UTC"},
	}
}

func FuzzFOCUSCSV(f *testing.F) {
	addGeneratedSeeds(f, false)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, focusSource(), "export.csv", data)
	})
}

func FuzzFOCUSParquet(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, focusSource(), "export.parquet", data)
	})
}

// FuzzSegment reads each input both as a JSON document and as JSON Lines,
// because the reader picks the layout by file extension.
func FuzzSegment(f *testing.F) {
	addGeneratedSeeds(f, true)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, segmentSource(), "events.json", data)
		fuzzRead(t, segmentSource(), "events.jsonl", data)
	})
}

func FuzzLabelStudio(f *testing.F) {
	addGeneratedSeeds(f, true)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, labelStudioSource(), "export.json", data)
	})
}

// FuzzPagerDuty reads each input both as a JSON document and as JSON
// Lines.
func FuzzPagerDuty(f *testing.F) {
	addGeneratedSeeds(f, true)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, pagerDutySource(), "incidents.json", data)
		fuzzRead(t, pagerDutySource(), "incidents.jsonl", data)
	})
}

// FuzzCSV reads each input with the generic csv reader of every kind.
func FuzzCSV(f *testing.F) {
	addGeneratedSeeds(f, false)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, src := range genericSources(FormatCSV) {
			fuzzRead(t, src, "rows.csv", data)
		}
	})
}

// FuzzJSONL reads each input with the generic jsonl reader of every kind.
func FuzzJSONL(f *testing.F) {
	addGeneratedSeeds(f, true)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, src := range genericSources(FormatJSONL) {
			fuzzRead(t, src, "records.jsonl", data)
		}
	})
}

// TestFuzzSeedsPresent checks that every fuzz target has a committed seed
// corpus, so that a renamed target does not silently lose its seeds.
func TestFuzzSeedsPresent(t *testing.T) {
	for _, name := range []string{"FuzzFOCUSCSV", "FuzzFOCUSParquet", "FuzzSegment",
		"FuzzLabelStudio", "FuzzPagerDuty", "FuzzCSV", "FuzzJSONL", "FuzzCSVParser", "FuzzFastParse"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(entries) < 5 {
			t.Errorf("%s: %d seed files, want at least 5", name, len(entries))
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join("testdata", "fuzz", name, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("go test fuzz v1\n")) {
				t.Errorf("%s/%s is not in the go test fuzz v1 format", name, e.Name())
			}
		}
	}
}
