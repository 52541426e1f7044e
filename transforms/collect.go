package transforms

import (
	"cmp"
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

// Collector gathers the facts of one table from any number of sources,
// removes duplicates on the fact key and groups the rest by partition date
// and source. Rows dated outside [From, To] are counted and left out,
// because a run replaces only the partitions of its window, unless their
// source was passed to KeepAllDates.
//
// NOTE: the collector keeps the window's facts in memory until Partitions
// is called, so memory grows with the size of the window.
type Collector struct {
	From, To time.Time // inclusive UTC dates of the window
	rows     []seqFact
	counts   map[string]*Counts
	keepAll  map[string]bool
	dates    map[string]map[time.Time]bool // partition dates of kept rows per source
}

type seqFact struct {
	Fact
	seq int
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
// partition date is inside the window or its source keeps all dates.
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
	c.rows = append(c.rows, seqFact{Fact: f, seq: len(c.rows)})
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

// Partitions removes duplicates and returns the facts grouped by date and
// source in that order, each partition ordered by key. Among rows sharing a key the
// one with the greatest Version wins, and among equal versions the one
// added last; the winner's date decides its partition. Partitions updates
// the counts and empties the collector.
func (c *Collector) Partitions() []Partition {
	slices.SortStableFunc(c.rows, func(a, b seqFact) int {
		if d := cmp.Compare(a.Key(), b.Key()); d != 0 {
			return d
		}
		if d := a.Version().Compare(b.Version()); d != 0 {
			return d
		}
		return cmp.Compare(a.seq, b.seq)
	})
	kept := c.rows[:0]
	for i, r := range c.rows {
		if i+1 < len(c.rows) && r.Key() == c.rows[i+1].Key() {
			c.CountsOf(r.Origin().Source).Duplicates++
			continue
		}
		c.CountsOf(r.Origin().Source).Facts++
		kept = append(kept, r)
	}
	slices.SortStableFunc(kept, func(a, b seqFact) int {
		if d := a.PartitionDate().Compare(b.PartitionDate()); d != 0 {
			return d
		}
		return cmp.Compare(a.Origin().Source, b.Origin().Source)
	})
	var parts []Partition
	for _, r := range kept {
		dt, source := r.PartitionDate(), r.Origin().Source
		if len(parts) == 0 || !parts[len(parts)-1].Date.Equal(dt) || parts[len(parts)-1].Source != source {
			parts = append(parts, Partition{Date: dt, Source: source})
		}
		p := &parts[len(parts)-1]
		p.Facts = append(p.Facts, r.Fact)
	}
	c.rows = nil
	return parts
}

// Counts returns the counts of every source seen.
func (c *Collector) Counts() map[string]Counts {
	out := make(map[string]Counts, len(c.counts))
	for k, v := range c.counts {
		out[k] = *v
	}
	return out
}
