package transforms

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// referencePartitions removes duplicates from facts the simple way, in
// memory: for each key the fact with the greatest version wins, and the
// later fact among equal versions. It returns the winners of the window
// from..to grouped by partition in the order EachPartition yields them,
// and the counts.
func referencePartitions(facts []Fact, from, to time.Time) ([]Partition, map[string]Counts) {
	counts := map[string]Counts{}
	type winner struct {
		fact Fact
		seq  int
	}
	winners := map[string]winner{}
	for i, f := range facts {
		n := counts[f.Origin().Source]
		n.Records++
		dt := f.PartitionDate()
		if dt.Before(from) || dt.After(to) {
			n.OutOfWindow++
			counts[f.Origin().Source] = n
			continue
		}
		counts[f.Origin().Source] = n
		w, seen := winners[f.Key()]
		if !seen {
			winners[f.Key()] = winner{fact: f, seq: i}
			continue
		}
		loser := f
		if f.Version().Compare(w.fact.Version()) >= 0 {
			loser = w.fact
			winners[f.Key()] = winner{fact: f, seq: i}
		}
		n = counts[loser.Origin().Source]
		n.Duplicates++
		counts[loser.Origin().Source] = n
	}
	byPartition := map[[2]string][]Fact{}
	for _, w := range winners {
		n := counts[w.fact.Origin().Source]
		n.Facts++
		counts[w.fact.Origin().Source] = n
		k := [2]string{w.fact.PartitionDate().Format(time.DateOnly), w.fact.Origin().Source}
		byPartition[k] = append(byPartition[k], w.fact)
	}
	var parts []Partition
	for k, fs := range byPartition {
		slices.SortFunc(fs, func(a, b Fact) int { return cmp.Compare(a.Key(), b.Key()) })
		parts = append(parts, Partition{Date: fs[0].PartitionDate(), Source: k[1], Facts: fs})
	}
	slices.SortFunc(parts, func(a, b Partition) int {
		if d := a.Date.Compare(b.Date); d != 0 {
			return d
		}
		return cmp.Compare(a.Source, b.Source)
	})
	return parts, counts
}

// writeReference writes the reference partitions through AppendFact and
// returns the file contents by path relative to root.
func writeReference(t testing.TB, parts []Partition, root, table string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, p := range parts {
		file, err := WritePartition(context.Background(), root, table, p)
		if err != nil {
			t.Fatalf("WritePartition: %v", err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, file)
		files[rel] = data
	}
	return files
}

// openFiles returns the number of open file descriptors of the process,
// or -1 where /proc/self/fd is missing.
func openFiles() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(entries)
}

// collectorSetting is one way of sizing a collector's buffers.
type collectorSetting struct {
	name          string
	spillRows     int
	fanIn         int
	chunkBytes    int
	bufferedBytes int
}

func (s collectorSetting) collector(t testing.TB, from, to time.Time) *Collector {
	c := NewCollector(from, to)
	c.TempDir = t.TempDir()
	c.SpillRows = s.spillRows
	c.mergeFanIn = s.fanIn
	c.chunkBytes = s.chunkBytes
	c.bufferedBytes = s.bufferedBytes
	return c
}

var collectorSettings = []collectorSetting{
	{name: "in memory"},
	{name: "one run per 37 facts", spillRows: 37},
	{name: "fan-in 3", spillRows: 37, fanIn: 3},
	{name: "fan-in 2, one fact per run", spillRows: 1, fanIn: 2},
	{name: "partition file", spillRows: 500, chunkBytes: 64, bufferedBytes: 100_000},
	{name: "partition buffers released", spillRows: 500, chunkBytes: 4096, bufferedBytes: 2048},
	{name: "everything small", spillRows: 29, fanIn: 4, chunkBytes: 1, bufferedBytes: 1},
}

// TestCollectorMatchesReference compares the files and counts of
// collectors sized to reach every merge and partition path with those of
// an in-memory reference de-duplication written through AppendFact.
func TestCollectorMatchesReference(t *testing.T) {
	for _, table := range Tables {
		facts := randomFacts(table, 2000, 11)
		parts, wantCounts := referencePartitions(facts, day(1), day(3))
		want := writeReference(t, parts, t.TempDir(), table)
		for _, s := range collectorSettings {
			t.Run(table+"/"+s.name, func(t *testing.T) {
				fds := openFiles()
				c := s.collector(t, day(1), day(3))
				for _, f := range facts {
					c.Add(f)
				}
				got := writeAll(t, c, t.TempDir(), table)
				if len(got) != len(want) {
					t.Errorf("wrote %d files, want %d", len(got), len(want))
				}
				for name, data := range want {
					if !bytes.Equal(got[name], data) {
						t.Errorf("%s differs from the reference", name)
					}
				}
				if fmt.Sprint(c.Counts()) != fmt.Sprint(wantCounts) {
					t.Errorf("counts = %v, want %v", c.Counts(), wantCounts)
				}
				if left, _ := os.ReadDir(c.TempDir); len(left) != 0 {
					t.Errorf("%d files left in the spill directory", len(left))
				}
				if n := openFiles(); n != fds {
					t.Errorf("%d open files after EachPartition, want %d", n, fds)
				}
			})
		}
	}
}

// TestCollectorPartitionsDecode checks the decoding path of Next against
// the reference: its facts, written through AppendFact, give the same
// files.
func TestCollectorPartitionsDecode(t *testing.T) {
	for _, table := range Tables {
		t.Run(table, func(t *testing.T) {
			facts := randomFacts(table, 1500, 12)
			parts, _ := referencePartitions(facts, day(1), day(3))
			want := writeReference(t, parts, t.TempDir(), table)
			c := collectorSetting{spillRows: 53, fanIn: 3, chunkBytes: 256, bufferedBytes: 4096}.collector(t, day(1), day(3))
			for _, f := range facts {
				c.Add(f)
			}
			decoded := c.Partitions()
			if c.Err() != nil {
				t.Fatalf("Partitions: %v", c.Err())
			}
			got := writeReference(t, decoded, t.TempDir(), table)
			if len(got) != len(want) {
				t.Errorf("wrote %d files, want %d", len(got), len(want))
			}
			for name, data := range want {
				if !bytes.Equal(got[name], data) {
					t.Errorf("%s differs from the reference", name)
				}
			}
		})
	}
}

// FuzzCollectorMatchesReference compares a collector with the reference
// de-duplication on random facts and buffer sizes.
func FuzzCollectorMatchesReference(f *testing.F) {
	f.Add(uint64(1), uint16(300), uint8(7), uint8(2), uint16(16), uint16(64))
	f.Add(uint64(2), uint16(1000), uint8(0), uint8(0), uint16(0), uint16(0))
	f.Add(uint64(3), uint16(50), uint8(1), uint8(3), uint16(1), uint16(1))
	f.Fuzz(func(t *testing.T, seed uint64, n uint16, spillRows, fanIn uint8, chunkBytes, bufferedBytes uint16) {
		if n == 0 || n > 3000 {
			t.Skip("between 1 and 3000 facts")
		}
		table := Tables[seed%uint64(len(Tables))]
		facts := randomFacts(table, int(n), seed)
		parts, wantCounts := referencePartitions(facts, day(1), day(4))
		want := writeReference(t, parts, t.TempDir(), table)
		s := collectorSetting{spillRows: int(spillRows), fanIn: int(fanIn),
			chunkBytes: int(chunkBytes), bufferedBytes: int(bufferedBytes)}
		c := s.collector(t, day(1), day(4))
		for _, f := range facts {
			c.Add(f)
		}
		got := writeAll(t, c, t.TempDir(), table)
		if len(got) != len(want) {
			t.Errorf("wrote %d files, want %d", len(got), len(want))
		}
		for name, data := range want {
			if !bytes.Equal(got[name], data) {
				t.Errorf("%s differs from the reference", name)
			}
		}
		if fmt.Sprint(c.Counts()) != fmt.Sprint(wantCounts) {
			t.Errorf("counts = %v, want %v", c.Counts(), wantCounts)
		}
	})
}

// countdownContext reports context.Canceled from the n-th call of Err on.
type countdownContext struct {
	context.Context
	left atomic.Int64
}

func (c *countdownContext) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestCollectorCancelledMidMerge cancels EachPartition at successive
// context checks: during the multi-level merge, the de-duplicating merge
// and the reading of partitions. Each must fail with the cancellation
// and leave no file in the spill directory and no file open.
func TestCollectorCancelledMidMerge(t *testing.T) {
	facts := randomFacts(TableUsage, 30_000, 13)
	s := collectorSetting{spillRows: 500, fanIn: 4, chunkBytes: 512, bufferedBytes: 8192}
	for _, checks := range []int64{0, 1, 2, 5, 10, 20, 40} {
		t.Run(fmt.Sprintf("after %d checks", checks), func(t *testing.T) {
			fds := openFiles()
			c := s.collector(t, day(1), day(5))
			for _, f := range facts {
				c.Add(f)
			}
			ctx := &countdownContext{Context: context.Background()}
			ctx.left.Store(checks)
			root := t.TempDir()
			err := c.EachPartition(ctx, func(p *PartitionFacts) error {
				_, _, err := WritePartitionFacts(ctx, root, TableUsage, p)
				return err
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("EachPartition = %v, want context.Canceled", err)
			}
			if left, _ := os.ReadDir(c.TempDir); len(left) != 0 {
				t.Errorf("%d files left in the spill directory", len(left))
			}
			if n := openFiles(); n != fds {
				t.Errorf("%d open files after EachPartition, want %d", n, fds)
			}
		})
	}
}

// TestCollectorConcurrentMatchesReference writes the partitions of every
// collector setting on three goroutines and compares the files, the
// counts and the order numbers given to fn with the reference.
func TestCollectorConcurrentMatchesReference(t *testing.T) {
	for _, table := range Tables {
		facts := randomFacts(table, 2000, 17)
		parts, wantCounts := referencePartitions(facts, day(1), day(3))
		want := writeReference(t, parts, t.TempDir(), table)
		for _, s := range collectorSettings {
			t.Run(table+"/"+s.name, func(t *testing.T) {
				c := s.collector(t, day(1), day(3))
				for _, f := range facts {
					c.Add(f)
				}
				root := t.TempDir()
				var mu sync.Mutex
				got := map[string][]byte{}
				order := make([]string, len(parts))
				err := c.EachPartitionConcurrent(context.Background(), 3, func(ctx context.Context, i int, p *PartitionFacts) error {
					file, _, err := WritePartitionFacts(ctx, root, table, p)
					if err != nil {
						return err
					}
					data, err := os.ReadFile(file)
					if err != nil {
						return err
					}
					rel, err := filepath.Rel(root, file)
					if err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					if i < 0 || i >= len(order) || order[i] != "" {
						return fmt.Errorf("order number %d given twice or outside 0..%d", i, len(order)-1)
					}
					got[rel] = data
					order[i] = p.Date.Format(time.DateOnly) + "/" + p.Source
					return nil
				})
				if err != nil {
					t.Fatalf("EachPartitionConcurrent: %v", err)
				}
				for i, p := range parts {
					if w := p.Date.Format(time.DateOnly) + "/" + p.Source; order[i] != w {
						t.Errorf("partition %d is %q, want %q", i, order[i], w)
					}
				}
				if len(got) != len(want) {
					t.Errorf("wrote %d files, want %d", len(got), len(want))
				}
				for name, data := range want {
					if !bytes.Equal(got[name], data) {
						t.Errorf("%s differs from the reference", name)
					}
				}
				if fmt.Sprint(c.Counts()) != fmt.Sprint(wantCounts) {
					t.Errorf("counts = %v, want %v", c.Counts(), wantCounts)
				}
				if left, _ := os.ReadDir(c.TempDir); len(left) != 0 {
					t.Errorf("%d files left in the spill directory", len(left))
				}
			})
		}
	}
}

// TestCollectorConcurrentStopsAtError fails the write of the first
// partition while the second one waits for its context. The error must be
// returned, the second call's context cancelled, no other partition
// started and the spill files removed.
func TestCollectorConcurrentStopsAtError(t *testing.T) {
	s := collectorSetting{spillRows: 500, chunkBytes: 512, bufferedBytes: 8192}
	c := s.collector(t, day(1), day(5))
	for _, f := range randomFacts(TableUsage, 20000, 5) {
		c.Add(f)
	}
	failing := errors.New("disk full")
	var started atomic.Int64
	var waited atomic.Bool
	err := c.EachPartitionConcurrent(context.Background(), 2, func(ctx context.Context, i int, p *PartitionFacts) error {
		started.Add(1)
		if i == 0 {
			return failing
		}
		<-ctx.Done()
		waited.Store(true)
		return ctx.Err()
	})
	if !errors.Is(err, failing) {
		t.Fatalf("EachPartitionConcurrent = %v, want the error of partition 0", err)
	}
	if !waited.Load() {
		t.Error("the second partition's context was not cancelled")
	}
	if n := started.Load(); n != 2 {
		t.Errorf("%d partitions started, want 2: the failing one and the one running beside it", n)
	}
	if left, _ := os.ReadDir(c.TempDir); len(left) != 0 {
		t.Errorf("%d files left in the spill directory", len(left))
	}
}
