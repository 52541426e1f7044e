package transforms

import (
	"bufio"
	"cmp"
	"container/heap"
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

// spillReadBuffer is the read buffer of each sorted run during a merge.
const spillReadBuffer = 32 << 10

// entry is one fact with the values it is sorted on, computed once.
type entry struct {
	fact   Fact
	key    string
	source string
	ver    time.Time
	day    int64 // partition date as Unix seconds
	seq    int64 // order of Add, which breaks ties between equal versions
}

func newEntry(f Fact, dt time.Time, seq int64) entry {
	return entry{fact: f, key: f.Key(), source: f.Origin().Source, ver: f.Version(), day: dt.Unix(), seq: seq}
}

// byKey orders entries for de-duplication: key, then version, then the
// order they were added in, so the last entry of a key is its winner.
func byKey(a, b entry) int {
	if d := strings.Compare(a.key, b.key); d != 0 {
		return d
	}
	if d := a.ver.Compare(b.ver); d != 0 {
		return d
	}
	return cmp.Compare(a.seq, b.seq)
}

// byPartition orders de-duplicated entries for writing: partition date,
// then source, then key. Keys are unique by then, so the order is total.
func byPartition(a, b entry) int {
	if d := cmp.Compare(a.day, b.day); d != 0 {
		return d
	}
	if d := strings.Compare(a.source, b.source); d != 0 {
		return d
	}
	return strings.Compare(a.key, b.key)
}

// externalSort sorts entries with at most limit of them in memory: each
// full buffer is sorted and written to an unlinked temporary file, a
// sorted run, and Merge reads the runs back in order.
type externalSort struct {
	compare func(a, b entry) int
	limit   int
	dir     string
	names   *nameTable
	buf     []entry
	spare   []entry // the buffer of the last finished spill, for reuse
	runs    []*os.File
	enc     spillEncoder
	pending chan spillResult // the spill in progress, or nil
}

// spillResult is the outcome of one background spill.
type spillResult struct {
	run *os.File
	buf []entry
	err error
}

func newExternalSort(compare func(a, b entry) int, limit int, dir string, names *nameTable) *externalSort {
	return &externalSort{compare: compare, limit: max(limit, 1), dir: dir, names: names}
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

// spill sorts buf and writes it as one run. The file is unlinked as soon
// as it is created, so it disappears with the process whatever happens.
// Its .tmp- name lets the start-up sweep remove it should the unlink
// itself fail.
func (s *externalSort) spill(buf []entry) (*os.File, error) {
	slices.SortFunc(buf, s.compare)
	f, err := os.CreateTemp(s.dir, ".tmp-spill-*")
	if err != nil {
		return nil, fmt.Errorf("create spill file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("unlink spill file: %w", err)
	}
	if err := s.writeRun(f, buf); err != nil {
		f.Close()
		return nil, fmt.Errorf("write spill file: %w", err)
	}
	return f, nil
}

func (s *externalSort) writeRun(f *os.File, buf []entry) error {
	w := bufio.NewWriterSize(f, 256<<10)
	s.enc.names = s.names
	var size [binary.MaxVarintLen64]byte
	for _, e := range buf {
		s.enc.buf = s.enc.buf[:0]
		s.enc.encode(e.fact, e.seq)
		n := binary.PutUvarint(size[:], uint64(len(s.enc.buf)))
		if _, err := w.Write(size[:n]); err != nil {
			return err
		}
		if _, err := w.Write(s.enc.buf); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}

// close waits for a spill in progress and releases the run files.
func (s *externalSort) close() {
	_ = s.wait()
	for _, f := range s.runs {
		f.Close()
	}
	s.runs = nil
	s.buf, s.spare = nil, nil
}

// merge returns a function that yields every entry in order and then
// ok=false. The runs on disk and the sorted buffer are merged with a heap.
func (s *externalSort) merge(ctx context.Context) (func() (entry, bool, error), error) {
	if err := s.wait(); err != nil {
		return nil, err
	}
	slices.SortFunc(s.buf, s.compare)
	h := &cursorHeap{compare: s.compare}
	mem := &memCursor{entries: s.buf}
	if err := h.push(mem); err != nil {
		return nil, err
	}
	for _, f := range s.runs {
		rc := &runCursor{r: bufio.NewReaderSize(f, spillReadBuffer), dec: spillDecoder{names: s.names.names}}
		if err := h.push(rc); err != nil {
			return nil, err
		}
	}
	n := 0
	return func() (entry, bool, error) {
		n++
		if n%ctxCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				return entry{}, false, err
			}
		}
		return h.pop()
	}, nil
}

// ctxCheckRows is how many merged rows pass between context checks.
const ctxCheckRows = 4096

// cursor yields the entries of one sorted run.
type cursor interface {
	next() (entry, bool, error)
}

type memCursor struct {
	entries []entry
	i       int
}

func (m *memCursor) next() (entry, bool, error) {
	if m.i >= len(m.entries) {
		return entry{}, false, nil
	}
	e := m.entries[m.i]
	m.entries[m.i] = entry{}
	m.i++
	return e, true, nil
}

type runCursor struct {
	r   *bufio.Reader
	dec spillDecoder
	raw []byte
}

func (c *runCursor) next() (entry, bool, error) {
	size, err := binary.ReadUvarint(c.r)
	if errors.Is(err, io.EOF) {
		return entry{}, false, nil
	}
	if err != nil {
		return entry{}, false, fmt.Errorf("read spill file: %w", err)
	}
	c.raw = slices.Grow(c.raw[:0], int(size))[:size]
	if _, err := io.ReadFull(c.r, c.raw); err != nil {
		return entry{}, false, fmt.Errorf("read spill file: %w", err)
	}
	c.dec.buf, c.dec.err = c.raw, nil
	f, seq, err := c.dec.decode()
	if err != nil {
		return entry{}, false, fmt.Errorf("read spill file: %w", err)
	}
	return newEntry(f, f.PartitionDate(), seq), true, nil
}

// cursorHeap merges cursors by the head entry of each.
type cursorHeap struct {
	compare func(a, b entry) int
	heads   []entry
	cursors []cursor
}

func (h *cursorHeap) Len() int           { return len(h.heads) }
func (h *cursorHeap) Less(i, j int) bool { return h.compare(h.heads[i], h.heads[j]) < 0 }
func (h *cursorHeap) Swap(i, j int) {
	h.heads[i], h.heads[j] = h.heads[j], h.heads[i]
	h.cursors[i], h.cursors[j] = h.cursors[j], h.cursors[i]
}
func (h *cursorHeap) Push(any) {}
func (h *cursorHeap) Pop() any {
	n := len(h.heads) - 1
	h.heads, h.cursors = h.heads[:n], h.cursors[:n]
	return nil
}

// push adds a cursor with its first entry, unless it is empty.
func (h *cursorHeap) push(c cursor) error {
	e, ok, err := c.next()
	if err != nil || !ok {
		return err
	}
	h.heads = append(h.heads, e)
	h.cursors = append(h.cursors, c)
	heap.Fix(h, len(h.heads)-1)
	return nil
}

// pop returns the least head and advances its cursor.
func (h *cursorHeap) pop() (entry, bool, error) {
	if len(h.heads) == 0 {
		return entry{}, false, nil
	}
	top := h.heads[0]
	e, ok, err := h.cursors[0].next()
	switch {
	case err != nil:
		return entry{}, false, err
	case ok:
		h.heads[0] = e
		heap.Fix(h, 0)
	default:
		heap.Pop(h)
	}
	return top, true, nil
}
