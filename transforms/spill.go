package transforms

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

const (
	// spillReadBuffer is the read buffer of each sorted run during a merge.
	spillReadBuffer = 16 << 10
	// spillWriteBuffer is the write buffer of a spill or merge output file.
	spillWriteBuffer = 256 << 10
	// defaultMergeFanIn is the maximum number of sorted runs read at once.
	// With more runs, the smallest are first merged into larger ones, so
	// the read buffers and head records of a merge stay within
	// defaultMergeFanIn × spillReadBuffer (2.5 MiB) for any input size.
	// 160 runs of DefaultSpillRows facts contain 5.2M facts, so a run of
	// up to that many facts merges in one pass. On 5M usage rows, the
	// extra pass over 89 of the 152 runs took 0.66 s of the merge's 1.5 s.
	defaultMergeFanIn = 160
	// ctxCheckRows is how many merged rows pass between context checks.
	ctxCheckRows = 4096
	// secondsPerDay converts partition dates to day numbers.
	secondsPerDay = 24 * 60 * 60
)

// entry is one buffered fact with the values it is sorted on, computed
// once.
type entry struct {
	fact Fact
	key  string
	ver  time.Time
	day  int64 // partition date as days since 1970-01-01
	seq  int64 // order of Add, which breaks ties between equal versions
}

func newEntry(f Fact, dt time.Time, seq int64) entry {
	return entry{fact: f, key: f.Key(), ver: f.Version(), day: dt.Unix() / secondsPerDay, seq: seq}
}

// byKey orders entries for de-duplication: key, then version, then the
// order they were added in, so the last entry of a key is its winner.
// compareRecords is the same order on encoded records.
func byKey(a, b entry) int {
	if d := strings.Compare(a.key, b.key); d != 0 {
		return d
	}
	if d := a.ver.Compare(b.ver); d != 0 {
		return d
	}
	return cmp.Compare(a.seq, b.seq)
}

// externalSort sorts entries by key with at most limit of them in memory:
// each full buffer is sorted and written to an unlinked temporary file, a
// sorted run, and merge reads the runs back in order.
type externalSort struct {
	limit   int
	fanIn   int
	dir     string
	names   *nameTable
	buf     []entry
	spare   []entry // the buffer of the last finished spill, for reuse
	runs    []sortedRun
	enc     spillEncoder  // used by one spill at a time
	w       *bufio.Writer // used by one spill at a time
	pending chan spillResult
}

// sortedRun is one spill file and its number of records.
type sortedRun struct {
	f    *os.File
	rows int64
}

// spillResult is the outcome of one background spill.
type spillResult struct {
	run sortedRun
	buf []entry
	err error
}

func newExternalSort(limit, fanIn int, dir string, names *nameTable) *externalSort {
	return &externalSort{limit: max(limit, 1), fanIn: max(fanIn, 2), dir: dir, names: names}
}

// add buffers e. A full buffer is spilled on another goroutine while the
// caller fills a second one, so at most two buffers are in memory.
func (s *externalSort) add(e entry) error {
	s.buf = append(s.buf, e)
	if len(s.buf) < s.limit {
		return nil
	}
	if err := s.wait(); err != nil {
		return err
	}
	full := s.buf
	s.buf = s.spare[:0]
	s.pending = make(chan spillResult, 1)
	go func(done chan<- spillResult) {
		run, err := s.spill(full)
		clear(full)
		done <- spillResult{run: run, buf: full[:0], err: err}
	}(s.pending)
	return nil
}

// wait waits for the spill in progress and keeps its run.
func (s *externalSort) wait() error {
	if s.pending == nil {
		return nil
	}
	res := <-s.pending
	s.pending = nil
	s.spare = res.buf
	if res.err != nil {
		return res.err
	}
	s.runs = append(s.runs, res.run)
	return nil
}

// spill sorts buf and writes it as one run.
func (s *externalSort) spill(buf []entry) (sortedRun, error) {
	slices.SortFunc(buf, byKey)
	f, err := createSpillFile(s.dir)
	if err != nil {
		return sortedRun{}, err
	}
	if s.w == nil {
		s.w = bufio.NewWriterSize(f, spillWriteBuffer)
	}
	s.w.Reset(f)
	s.enc.names = s.names
	var size [binary.MaxVarintLen64]byte
	for _, e := range buf {
		s.enc.buf = s.enc.buf[:0]
		s.enc.record(e)
		n := binary.PutUvarint(size[:], uint64(len(s.enc.buf)))
		if _, err := s.w.Write(size[:n]); err != nil {
			f.Close()
			return sortedRun{}, fmt.Errorf("write spill file: %w", err)
		}
		if _, err := s.w.Write(s.enc.buf); err != nil {
			f.Close()
			return sortedRun{}, fmt.Errorf("write spill file: %w", err)
		}
	}
	if err := finishSpillFile(f, s.w); err != nil {
		return sortedRun{}, err
	}
	return sortedRun{f: f, rows: int64(len(buf))}, nil
}

// createSpillFile creates a temporary file in dir and unlinks it at once,
// so it disappears with the process whatever happens. Its .tmp- name
// lets the start-up sweep remove it should the unlink itself fail.
func createSpillFile(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, ".tmp-spill-*")
	if err != nil {
		return nil, fmt.Errorf("create spill file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("unlink spill file %s: %w", f.Name(), err)
	}
	return f, nil
}

// finishSpillFile flushes w into f and rewinds f for reading. It closes f
// when it fails.
func finishSpillFile(f *os.File, w *bufio.Writer) error {
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write spill file: %w", err)
	}
	w.Reset(nil)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return fmt.Errorf("rewind spill file: %w", err)
	}
	return nil
}

// close waits for a spill in progress and releases the run files.
func (s *externalSort) close() {
	_ = s.wait()
	for _, r := range s.runs {
		r.f.Close()
	}
	s.runs = nil
	s.buf, s.spare = nil, nil
}

// merge returns a merger that yields every record in key order. When
// there are more runs than the fan-in allows, it first merges the
// smallest runs into larger ones. The buffered entries are encoded as
// the merge reaches them and take one slot of the fan-in.
func (s *externalSort) merge(ctx context.Context) (*merger, error) {
	if err := s.wait(); err != nil {
		return nil, err
	}
	if err := s.reduceRuns(ctx, s.fanIn-1); err != nil {
		return nil, err
	}
	slices.SortFunc(s.buf, byKey)
	m := &merger{}
	if err := m.push(&memCursor{entries: s.buf, names: s.names}); err != nil {
		return nil, err
	}
	for _, r := range s.runs {
		if err := m.push(newFileCursor(r.f)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// reduceRuns merges runs until at most maxRuns are left. Each step merges
// the smallest runs, as many as it takes to reach maxRuns but no more
// than the fan-in, so that few records are copied more than once.
func (s *externalSort) reduceRuns(ctx context.Context, maxRuns int) error {
	for len(s.runs) > maxRuns {
		k := min(s.fanIn, len(s.runs)-maxRuns+1)
		slices.SortStableFunc(s.runs, func(a, b sortedRun) int { return cmp.Compare(a.rows, b.rows) })
		merged, err := mergeRuns(ctx, s.dir, s.runs[:k])
		for _, r := range s.runs[:k] {
			r.f.Close()
		}
		s.runs = slices.Delete(s.runs, 0, k)
		if err != nil {
			return err
		}
		s.runs = append(s.runs, merged)
	}
	return nil
}

// mergeRuns merges runs into one new run. It copies each record as it is,
// without decoding the fact.
func mergeRuns(ctx context.Context, dir string, runs []sortedRun) (sortedRun, error) {
	m := &merger{}
	for _, r := range runs {
		if err := m.push(newFileCursor(r.f)); err != nil {
			return sortedRun{}, err
		}
	}
	f, err := createSpillFile(dir)
	if err != nil {
		return sortedRun{}, err
	}
	w := bufio.NewWriterSize(f, spillWriteBuffer)
	var size [binary.MaxVarintLen64]byte
	var rows int64
	for {
		if rows%ctxCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				f.Close()
				return sortedRun{}, err
			}
		}
		r, ok, err := m.pop()
		if err != nil {
			f.Close()
			return sortedRun{}, err
		}
		if !ok {
			break
		}
		n := binary.PutUvarint(size[:], uint64(len(r.raw)))
		if _, err := w.Write(size[:n]); err != nil {
			f.Close()
			return sortedRun{}, fmt.Errorf("write spill file: %w", err)
		}
		if _, err := w.Write(r.raw); err != nil {
			f.Close()
			return sortedRun{}, fmt.Errorf("write spill file: %w", err)
		}
		rows++
	}
	if err := finishSpillFile(f, w); err != nil {
		return sortedRun{}, err
	}
	return sortedRun{f: f, rows: rows}, nil
}

// cursor yields the records of one sorted run. A record stays valid until
// the second call of next after the one that returned it, so a merge may
// hold the record it popped while the cursor reads the following one.
type cursor interface {
	next() (spillRecord, bool, error)
}

// memCursor encodes the sorted in-memory entries one at a time.
type memCursor struct {
	entries []entry
	names   *nameTable
	i       int
	enc     [2]spillEncoder
	cur     int
}

func (m *memCursor) next() (spillRecord, bool, error) {
	if m.i >= len(m.entries) {
		return spillRecord{}, false, nil
	}
	m.cur ^= 1
	enc := &m.enc[m.cur]
	enc.names = m.names
	enc.buf = enc.buf[:0]
	enc.record(m.entries[m.i])
	m.entries[m.i] = entry{}
	m.i++
	r, err := parseRecord(enc.buf)
	return r, err == nil, err
}

// fileCursor reads the records of one spill file.
type fileCursor struct {
	r    *bufio.Reader
	bufs [2][]byte
	cur  int
}

func newFileCursor(f *os.File) *fileCursor {
	return &fileCursor{r: bufio.NewReaderSize(f, spillReadBuffer)}
}

func (c *fileCursor) next() (spillRecord, bool, error) {
	size, err := binary.ReadUvarint(c.r)
	if errors.Is(err, io.EOF) {
		return spillRecord{}, false, nil
	}
	if err != nil {
		return spillRecord{}, false, fmt.Errorf("read spill file: %w", err)
	}
	if size > maxSpillRecord {
		return spillRecord{}, false, fmt.Errorf("read spill file: %w: record of %d bytes", errCorruptSpill, size)
	}
	c.cur ^= 1
	raw := slices.Grow(c.bufs[c.cur][:0], int(size))[:size]
	c.bufs[c.cur] = raw
	if _, err := io.ReadFull(c.r, raw); err != nil {
		return spillRecord{}, false, fmt.Errorf("read spill file: %w", err)
	}
	r, err := parseRecord(raw)
	if err != nil {
		return spillRecord{}, false, fmt.Errorf("read spill file: %w", err)
	}
	return r, true, nil
}

// merger merges cursors with a binary min-heap of their head records.
type merger struct {
	heads   []spillRecord
	cursors []cursor
}

// push adds a cursor with its first record, unless it is empty.
func (m *merger) push(c cursor) error {
	r, ok, err := c.next()
	if err != nil || !ok {
		return err
	}
	m.heads = append(m.heads, r)
	m.cursors = append(m.cursors, c)
	m.up(len(m.heads) - 1)
	return nil
}

// peek returns the least head without advancing its cursor.
func (m *merger) peek() (spillRecord, bool) {
	if len(m.heads) == 0 {
		return spillRecord{}, false
	}
	return m.heads[0], true
}

// pop returns the least head and advances its cursor. The record stays
// valid until the next call of pop.
func (m *merger) pop() (spillRecord, bool, error) {
	if len(m.heads) == 0 {
		return spillRecord{}, false, nil
	}
	top := m.heads[0]
	r, ok, err := m.cursors[0].next()
	switch {
	case err != nil:
		return spillRecord{}, false, err
	case ok:
		m.heads[0] = r
	default:
		last := len(m.heads) - 1
		m.heads[0], m.cursors[0] = m.heads[last], m.cursors[last]
		m.heads[last], m.cursors[last] = spillRecord{}, nil
		m.heads, m.cursors = m.heads[:last], m.cursors[:last]
	}
	m.down(0)
	return top, true, nil
}

func (m *merger) swap(i, j int) {
	m.heads[i], m.heads[j] = m.heads[j], m.heads[i]
	m.cursors[i], m.cursors[j] = m.cursors[j], m.cursors[i]
}

func (m *merger) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if compareRecords(&m.heads[i], &m.heads[parent]) >= 0 {
			return
		}
		m.swap(i, parent)
		i = parent
	}
}

func (m *merger) down(i int) {
	n := len(m.heads)
	for {
		least := i
		if l := 2*i + 1; l < n && compareRecords(&m.heads[l], &m.heads[least]) < 0 {
			least = l
		}
		if r := 2*i + 2; r < n && compareRecords(&m.heads[r], &m.heads[least]) < 0 {
			least = r
		}
		if least == i {
			return
		}
		m.swap(i, least)
		i = least
	}
}
