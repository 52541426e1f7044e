package transforms

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// randomFacts returns n facts of table with keys drawn from a small set,
// so that many share a key, versions that often tie, dates across five
// days and two sources, and times in a zone other than UTC.
func randomFacts(table string, n int, seed uint64) []Fact {
	rng := rand.New(rand.NewPCG(seed, 7))
	zone := time.FixedZone("UTC+5", 5*3600)
	base := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	facts := make([]Fact, n)
	for i := range facts {
		at := base.Add(time.Duration(rng.IntN(5*24*60)) * time.Minute).In(zone)
		key := fmt.Sprintf("k%04d", rng.IntN(n/3+1))
		o := Origin{Source: []string{"alpha", "beta"}[rng.IntN(2)], File: "in.txt", Record: int64(i + 1)}
		facts[i] = randomFact(table, rng, o, key, at)
	}
	return facts
}

func randomFact(table string, rng *rand.Rand, o Origin, key string, at time.Time) Fact {
	text := func() string { return []string{"", "x", "longer text ü"}[rng.IntN(3)] }
	later := at.Add(time.Duration(rng.IntN(3)) * time.Hour)
	switch table {
	case TableUsage:
		var ht *float64
		if rng.IntN(2) == 0 {
			v := rng.Float64() * 100
			ht = &v
		}
		return &UsageEvent{From: o, EventID: key, OccurredAt: at, AccountID: "acme", Workflow: text(),
			CaseID: text(), UserID: text(), EventType: "case_opened", AutonomyLevel: text(), HandleTimeSeconds: ht}
	case TableLabels:
		return &ReviewLabel{From: o, LabelID: key, LabeledAt: at, UpdatedAt: later, AccountID: "acme",
			Workflow: text(), Verdict: "correct", FeedbackText: text()}
	case TableCosts:
		var q *decimal128.Num
		if rng.IntN(2) == 0 {
			v := decimal128.FromI64(rng.Int64N(1 << 40))
			q = &v
		}
		return &CostLine{From: o, LineID: key, ChargePeriodStart: at, ChargePeriodEnd: later,
			AccountID: "acme", Service: text(), ChargeCategory: "Usage", ConsumedQuantity: q,
			BilledCost: decimal128.FromI64(-rng.Int64N(1 << 50)), EffectiveCost: decimal128.FromI64(3),
			Currency: "USD", CommitmentPurchase: rng.IntN(2) == 0}
	default:
		return &Incident{From: o, IncidentID: key, AccountID: "acme", Severity: "sev2", OpenedAt: at,
			ResolvedAt: later, UpdatedAt: later, Status: "resolved", Title: text()}
	}
}

// writeAll writes every partition of c under root and returns the file
// contents by path relative to root.
func writeAll(t *testing.T, c *Collector, root, table string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := c.EachPartition(context.Background(), func(p *PartitionFacts) error {
		file, _, err := WritePartitionFacts(context.Background(), root, table, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(file)
		rel, _ := filepath.Rel(root, file)
		files[rel] = data
		return err
	})
	if err != nil {
		t.Fatalf("EachPartition: %v", err)
	}
	return files
}

func TestCollectorSpillMatchesMemory(t *testing.T) {
	for _, table := range Tables {
		t.Run(table, func(t *testing.T) {
			facts := randomFacts(table, 3000, 1)
			inMemory := NewCollector(day(1), day(3))
			spilled := NewCollector(day(1), day(3))
			spilled.SpillRows = 37
			spilled.TempDir = t.TempDir()
			for _, f := range facts {
				inMemory.Add(f)
				spilled.Add(f)
			}
			if n := len(spilled.sorter.runs); n < 10 {
				t.Fatalf("spilled %d runs, want at least 10", n)
			}
			want := writeAll(t, inMemory, t.TempDir(), table)
			got := writeAll(t, spilled, t.TempDir(), table)
			if len(got) != len(want) {
				t.Fatalf("spilled collector wrote %d files, want %d", len(got), len(want))
			}
			for name, data := range want {
				if !bytes.Equal(got[name], data) {
					t.Errorf("%s differs between the spilled and the in-memory collector", name)
				}
			}
			if fmt.Sprint(spilled.Counts()) != fmt.Sprint(inMemory.Counts()) {
				t.Errorf("counts = %v, want %v", spilled.Counts(), inMemory.Counts())
			}
			if left, _ := os.ReadDir(spilled.TempDir); len(left) != 0 {
				t.Errorf("%d files left in the spill directory", len(left))
			}
		})
	}
}

func TestSpillCodecRoundTrip(t *testing.T) {
	for _, table := range Tables {
		for i, f := range randomFacts(table, 50, 2) {
			names := &nameTable{}
			enc := spillEncoder{names: names}
			enc.record(newEntry(f, f.PartitionDate(), int64(i)))
			r, err := parseRecord(enc.buf)
			if err != nil {
				t.Fatalf("%s fact %d: parse header: %v", table, i, err)
			}
			if string(r.key) != f.Key() {
				t.Errorf("%s fact %d: key = %q, want %q", table, i, r.key, f.Key())
			}
			if got := time.Unix(r.verSec, r.verNsec); !got.Equal(f.Version()) {
				t.Errorf("%s fact %d: version = %v, want %v", table, i, got, f.Version())
			}
			if r.seq != int64(i) {
				t.Errorf("%s fact %d: seq = %d", table, i, r.seq)
			}
			if got := time.Unix(r.day*secondsPerDay, 0).UTC(); got != f.PartitionDate() {
				t.Errorf("%s fact %d: partition date = %v, want %v", table, i, got, f.PartitionDate())
			}
			if names.names[r.source] != f.Origin().Source {
				t.Errorf("%s fact %d: source = %q, want %q", table, i, names.names[r.source], f.Origin().Source)
			}
			dec := spillDecoder{names: names.names}
			got, err := dec.decodeFact(r.fact)
			if err != nil {
				t.Fatalf("%s fact %d: decode: %v", table, i, err)
			}
			if got.Key() != f.Key() || !got.Version().Equal(f.Version()) || got.Origin() != f.Origin() {
				t.Errorf("%s fact %d: decoded %+v, want %+v", table, i, got, f)
			}
			again := spillEncoder{names: names}
			again.fact(got)
			if !bytes.Equal(again.buf, r.fact) {
				t.Errorf("%s fact %d: the decoded fact encodes differently", table, i)
			}
		}
	}
}

func TestSpillCodecRejectsTruncated(t *testing.T) {
	names := &nameTable{}
	enc := spillEncoder{names: names}
	f := randomFacts(TableLabels, 1, 3)[0]
	enc.record(newEntry(f, f.PartitionDate(), 0))
	r, err := parseRecord(enc.buf)
	if err != nil {
		t.Fatalf("parse header: %v", err)
	}
	header := len(enc.buf) - len(r.fact)
	for n := range header + 1 {
		if _, err := parseRecord(enc.buf[:n]); err == nil {
			t.Fatalf("parse of the first %d of %d header bytes succeeded", n, header)
		}
	}
	for n := range len(r.fact) {
		dec := spillDecoder{names: names.names}
		if _, err := dec.decodeFact(r.fact[:n]); err == nil {
			t.Fatalf("decode of the first %d of %d bytes succeeded", n, len(r.fact))
		}
	}
}

func TestCollectorEachPartitionCancelled(t *testing.T) {
	c := NewCollector(day(1), day(5))
	c.SpillRows = 100
	c.TempDir = t.TempDir()
	for _, f := range randomFacts(TableUsage, 20000, 4) {
		c.Add(f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.EachPartition(ctx, func(*PartitionFacts) error { return nil })
	if err == nil {
		t.Fatal("EachPartition with a cancelled context succeeded")
	}
}

// BenchmarkCollectorSpill measures adding, spilling, de-duplicating and
// streaming usage events through a collector that spills every
// DefaultSpillRows rows.
func BenchmarkCollectorSpill(b *testing.B) {
	facts := randomFacts(TableUsage, 200_000, 5)
	dir := b.TempDir()
	for b.Loop() {
		c := NewCollector(day(1), day(5))
		c.TempDir = dir
		for _, f := range facts {
			c.Add(f)
		}
		err := c.EachPartition(context.Background(), func(p *PartitionFacts) error {
			for f, err := p.Next(); f != nil || err != nil; f, err = p.Next() {
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseTimeNaiveDateTime(t *testing.T) {
	got, err := ParseTime("2026-07-01 13:04:05", time.FixedZone("UTC+2", 2*3600))
	if err != nil {
		t.Fatalf("ParseTime: %v", err)
	}
	if want := time.Date(2026, 7, 1, 11, 4, 5, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ParseTime = %v, want %v", got, want)
	}
	if _, err := ParseTime("2026-07-01 13:04:05", nil); err == nil {
		t.Error("ParseTime of a naive value with no zone succeeded")
	}
	if isNaiveDateTime("2026-07-01T13:04:05") || isNaiveDateTime("2026-07-01 13:04:05Z") {
		t.Error("isNaiveDateTime accepted a value a zoned layout may parse")
	}
}
