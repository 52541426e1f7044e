package transforms

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
)

// Counts are the row counts of one source in one run. For every source,
// Records = Facts + Rejected + Duplicates + OutOfWindow + NotAllowed.
type Counts struct {
	Records     int64 `json:"records_read"`
	Facts       int64 `json:"facts_written"`
	Rejected    int64 `json:"rows_quarantined"`
	Duplicates  int64 `json:"duplicates_removed"`
	OutOfWindow int64 `json:"outside_window"`
	// NotAllowed counts facts of accounts that accounts_allow leaves out.
	NotAllowed int64 `json:"not_allowed"`
}

// DefaultSpillRows is the number of facts a Collector holds in memory
// before it sorts them and writes them to a spill file.
const DefaultSpillRows = 32 * 1024

// Collector gathers the facts of one table from any number of sources,
// removes duplicates on the fact key and groups the rest by partition date
// and source. Rows dated outside [From, To] are counted and left out,
// because a run replaces only the partitions of its window, unless their
// source was passed to KeepAllDates.
//
// Memory is bounded by SpillRows, not by the size of the window. A full
// buffer is sorted by key and spilled to a temporary file in TempDir.
// EachPartition merges the files by key to remove duplicates, at most
// defaultMergeFanIn files at a time, and appends each winner to a
// per-partition bucket. The winners arrive in key order, so each bucket
// is in key order without a second sort.
type Collector struct {
	From, To time.Time // inclusive UTC dates of the window
	// TempDir is the directory of spill files. Empty means os.TempDir().
	TempDir string
	// SpillRows is the number of facts held in memory before a spill. Zero
	// means DefaultSpillRows. Set it before the first Add.
	SpillRows int
	// mergeFanIn, chunkBytes and bufferedBytes override defaultMergeFanIn,
	// defaultChunkBytes and defaultBufferedBytes when positive, so tests
	// can reach the multi-level merge and the partition file with little
	// data.
	mergeFanIn    int
	chunkBytes    int
	bufferedBytes int
	sorter        *externalSort
	names         nameTable
	seq           int64
	err           error // the first spill failure, returned by EachPartition
	counts        map[string]*Counts
	keepAll       map[string]bool
	dates         map[string]map[time.Time]bool // partition dates of kept rows per source
}

// NewCollector returns a collector for the dates from..to inclusive.
func NewCollector(from, to time.Time) *Collector {
	return &Collector{From: utcDate(from), To: utcDate(to), counts: map[string]*Counts{},
		keepAll: map[string]bool{}, dates: map[string]map[time.Time]bool{}}
}

// KeepAllDates makes the collector keep every row of source whatever its
// date, for sources whose run replaces each date their rows fall in.
func (c *Collector) KeepAllDates(source string) {
	c.keepAll[source] = true
}

// DatesOf returns, in order, the partition dates of the rows of source
// that were kept, counted before duplicates are removed.
func (c *Collector) DatesOf(source string) []time.Time {
	out := make([]time.Time, 0, len(c.dates[source]))
	for d := range c.dates[source] {
		out = append(out, d)
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// CountsOf returns the counts of a source, creating them at zero.
func (c *Collector) CountsOf(source string) *Counts {
	n := c.counts[source]
	if n == nil {
		n = &Counts{}
		c.counts[source] = n
	}
	return n
}

// Add takes one fact. It counts the record and keeps the fact when its
// partition date is inside the window or its source keeps all dates. The
// first failed spill is stored, and EachPartition and Err return it.
func (c *Collector) Add(f Fact) {
	source := f.Origin().Source
	n := c.CountsOf(source)
	n.Records++
	dt := f.PartitionDate()
	if !c.keepAll[source] && (dt.Before(c.From) || dt.After(c.To)) {
		n.OutOfWindow++
		return
	}
	if c.dates[source] == nil {
		c.dates[source] = map[time.Time]bool{}
	}
	c.dates[source][dt] = true
	if c.err != nil {
		return
	}
	if c.sorter == nil {
		fanIn := c.mergeFanIn
		if fanIn <= 0 {
			fanIn = defaultMergeFanIn
		}
		c.sorter = newExternalSort(c.spillRows(), fanIn, c.TempDir, &c.names)
	}
	c.err = c.sorter.add(newEntry(f, dt, c.seq))
	c.seq++
}

// Err returns the first error of spilling facts to disk.
func (c *Collector) Err() error { return c.err }

func (c *Collector) spillRows() int {
	if c.SpillRows > 0 {
		return c.SpillRows
	}
	return DefaultSpillRows
}

// AddNotAllowed counts one record of source whose account is not allowed;
// the fact itself is dropped.
func (c *Collector) AddNotAllowed(source string) {
	n := c.CountsOf(source)
	n.Records++
	n.NotAllowed++
}

// AddReject counts one rejected record.
func (c *Collector) AddReject(r Reject) {
	n := c.CountsOf(r.Source)
	n.Records++
	n.Rejected++
}

// Partition is the deduplicated facts of one source and date, ordered by
// key.
type Partition struct {
	Date   time.Time
	Source string
	Facts  []Fact
}

// Partitions returns every partition of EachPartition with its facts in
// memory, for callers whose data is small. It returns nil after an error,
// which Err then returns.
func (c *Collector) Partitions() []Partition {
	var parts []Partition
	err := c.EachPartition(context.Background(), func(p *PartitionFacts) error {
		part := Partition{Date: p.Date, Source: p.Source}
		for {
			f, err := p.Next()
			if err != nil || f == nil {
				parts = append(parts, part)
				return err
			}
			part.Facts = append(part.Facts, f)
		}
	})
	if err != nil {
		c.err = err
		return nil
	}
	return parts
}

// EachPartition removes duplicates and calls fn for each partition in
// order of date and then source, with the partition's facts in key order.
// Among rows sharing a key the one with the greatest Version wins, and
// among equal versions the one added last; the winner's date decides its
// partition. Facts that fn leaves unread are skipped. EachPartition
// updates the counts, empties the collector and removes its spill files.
func (c *Collector) EachPartition(ctx context.Context, fn func(*PartitionFacts) error) error {
	return c.EachPartitionConcurrent(ctx, 1, func(_ context.Context, _ int, p *PartitionFacts) error { return fn(p) })
}

// EachPartitionConcurrent is EachPartition with fn called for up to
// workers partitions at a time, each on its own goroutine. i is the
// partition's place in the order of EachPartition, so callers can put
// their results back in that order. After the first error no further
// partition starts, the context given to the calls still running is
// cancelled, and that error is returned.
func (c *Collector) EachPartitionConcurrent(ctx context.Context, workers int,
	fn func(ctx context.Context, i int, p *PartitionFacts) error) error {
	if c.err != nil {
		return c.err
	}
	if c.sorter == nil {
		return nil
	}
	defer func() { c.sorter = nil }()
	parts, err := c.dedup(ctx)
	if err != nil {
		return err
	}
	defer parts.close()
	buckets := parts.sorted()
	if workers <= 1 {
		for i, b := range buckets {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(ctx, i, parts.partition(ctx, b)); err != nil {
				return err
			}
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, b := range buckets {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return fn(gctx, i, parts.partition(gctx, b))
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// dedup merges the facts by key, counts duplicates and facts, and returns
// the winners grouped by partition.
func (c *Collector) dedup(ctx context.Context) (*partitionSet, error) {
	defer c.sorter.close()
	m, err := c.sorter.merge(ctx)
	if err != nil {
		return nil, err
	}
	parts := newPartitionSet(c.TempDir, &c.names, c.chunkBytes, c.bufferedBytes)
	if err := c.keepWinners(ctx, m, parts); err != nil {
		parts.close()
		return nil, err
	}
	return parts, nil
}

// keepWinners adds the last record of each key that m yields to parts,
// and counts the others as duplicates.
func (c *Collector) keepWinners(ctx context.Context, m *merger, parts *partitionSet) error {
	var counts []*Counts // by name index
	countsOf := func(source uint64) (*Counts, error) {
		if source >= uint64(len(c.names.names)) {
			return nil, fmt.Errorf("read spill file: %w: source index %d", errCorruptSpill, source)
		}
		if source >= uint64(len(counts)) {
			counts = append(counts, make([]*Counts, len(c.names.names)-len(counts))...)
		}
		if counts[source] == nil {
			counts[source] = c.CountsOf(c.names.names[source])
		}
		return counts[source], nil
	}
	for rows := 1; ; rows++ {
		if rows%ctxCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r, ok, err := m.pop()
		if err != nil || !ok {
			return err
		}
		n, err := countsOf(r.source)
		if err != nil {
			return err
		}
		if next, ok := m.peek(); ok && bytes.Equal(next.key, r.key) {
			n.Duplicates++
			continue
		}
		n.Facts++
		if err := parts.add(partitionKey{day: r.day, source: r.source}, r.fact); err != nil {
			return err
		}
	}
}

// Counts returns the counts of every source seen.
func (c *Collector) Counts() map[string]Counts {
	out := make(map[string]Counts, len(c.counts))
	for k, v := range c.counts {
		out[k] = *v
	}
	return out
}
