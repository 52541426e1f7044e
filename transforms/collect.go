package transforms

import (
	"context"
	"slices"
	"time"
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
// EachPartition merges the files twice: first by key to remove
// duplicates, then by partition to stream each partition in key order.
type Collector struct {
	From, To time.Time // inclusive UTC dates of the window
	// TempDir is the directory of spill files. Empty means os.TempDir().
	TempDir string
	// SpillRows is the number of facts held in memory before a spill. Zero
	// means DefaultSpillRows. Set it before the first Add.
	SpillRows int
	sorter    *externalSort
	names     nameTable
	seq       int64
	err       error // the first spill failure, returned by EachPartition
	counts    map[string]*Counts
	keepAll   map[string]bool
	dates     map[string]map[time.Time]bool // partition dates of kept rows per source
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
		c.sorter = newExternalSort(byKey, c.spillRows(), c.TempDir, &c.names)
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
	if c.err != nil {
		return c.err
	}
	if c.sorter == nil {
		return nil
	}
	defer func() { c.sorter = nil }()
	winners, err := c.dedup(ctx)
	if err != nil {
		return err
	}
	defer winners.close()
	next, err := winners.merge(ctx)
	if err != nil {
		return err
	}
	return eachPartition(next, fn)
}

// dedup merges the facts by key, counts duplicates and facts, and returns
// the winners sorted again by partition.
func (c *Collector) dedup(ctx context.Context) (*externalSort, error) {
	defer c.sorter.close()
	next, err := c.sorter.merge(ctx)
	if err != nil {
		return nil, err
	}
	winners := newExternalSort(byPartition, c.spillRows(), c.TempDir, &c.names)
	prev, ok, err := next()
	for ok && err == nil {
		var e entry
		e, ok, err = next()
		if ok && e.key == prev.key {
			c.CountsOf(prev.fact.Origin().Source).Duplicates++
			prev = e
			continue
		}
		if err == nil {
			c.CountsOf(prev.fact.Origin().Source).Facts++
			err = winners.add(prev)
		}
		prev = e
	}
	if err != nil {
		winners.close()
		return nil, err
	}
	return winners, nil
}

// Counts returns the counts of every source seen.
func (c *Collector) Counts() map[string]Counts {
	out := make(map[string]Counts, len(c.counts))
	for k, v := range c.counts {
		out[k] = *v
	}
	return out
}
