package transforms

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

const (
	// defaultChunkBytes is the size at which one partition's buffered
	// facts are written to the partition file.
	defaultChunkBytes = 64 << 10
	// defaultBufferedBytes bounds the buffers of all partitions together.
	// Past it, every buffer is written out and released.
	defaultBufferedBytes = 4 << 20
)

// PartitionFacts streams the facts of one partition in key order.
type PartitionFacts struct {
	Date   time.Time
	Source string
	r      *partitionReader
}

// Next returns the partition's next fact, or nil after the last one.
func (p *PartitionFacts) Next() (Fact, error) {
	body, ok, err := p.r.next()
	if err != nil || !ok {
		return nil, err
	}
	f, err := p.r.dec.decodeFact(body)
	if err != nil {
		return nil, fmt.Errorf("read spill file: %w", err)
	}
	return f, nil
}

// partitionKey identifies a partition by its date and source.
type partitionKey struct {
	day    int64  // days since 1970-01-01
	source uint64 // index of the source in the name table
}

// fileChunk is a byte range of the partition file.
type fileChunk struct {
	off, n int64
}

// partitionBucket is the encoded facts of one partition in key order:
// first the chunks in the partition file, then buf.
type partitionBucket struct {
	key    partitionKey
	chunks []fileChunk
	buf    []byte
}

// partitionSet distributes the winners of the de-duplicating merge by
// partition. The merge yields them in key order, which is the order of
// each partition, so appending each fact to its partition's bucket keeps
// every bucket sorted and no second sort is needed. Buckets are buffered
// in memory and written in chunks to one shared, unlinked file, created
// once the buffers outgrow their bound.
type partitionSet struct {
	dir        string
	names      *nameTable
	chunkBytes int
	maxBuffer  int
	buckets    map[partitionKey]*partitionBucket
	buffered   int // capacity of all bucket buffers
	file       *os.File
	size       int64 // bytes written to file
}

func newPartitionSet(dir string, names *nameTable, chunkBytes, maxBuffer int) *partitionSet {
	if chunkBytes <= 0 {
		chunkBytes = defaultChunkBytes
	}
	if maxBuffer <= 0 {
		maxBuffer = defaultBufferedBytes
	}
	return &partitionSet{dir: dir, names: names, chunkBytes: chunkBytes, maxBuffer: maxBuffer,
		buckets: map[partitionKey]*partitionBucket{}}
}

// add appends one encoded fact to the bucket of its partition.
func (s *partitionSet) add(key partitionKey, fact []byte) error {
	b := s.buckets[key]
	if b == nil {
		b = &partitionBucket{key: key}
		s.buckets[key] = b
	}
	before := cap(b.buf)
	b.buf = binary.AppendUvarint(b.buf, uint64(len(fact)))
	b.buf = append(b.buf, fact...)
	s.buffered += cap(b.buf) - before
	if len(b.buf) >= s.chunkBytes {
		if err := s.flush(b); err != nil {
			return err
		}
	}
	if s.buffered > s.maxBuffer {
		return s.flushAll()
	}
	return nil
}

// flush writes b's buffer to the partition file and keeps the buffer for
// reuse.
func (s *partitionSet) flush(b *partitionBucket) error {
	if len(b.buf) == 0 {
		return nil
	}
	if s.file == nil {
		f, err := createSpillFile(s.dir)
		if err != nil {
			return err
		}
		s.file = f
	}
	if _, err := s.file.Write(b.buf); err != nil {
		return fmt.Errorf("write spill file: %w", err)
	}
	b.chunks = append(b.chunks, fileChunk{off: s.size, n: int64(len(b.buf))})
	s.size += int64(len(b.buf))
	b.buf = b.buf[:0]
	return nil
}

// flushAll writes every buffer to the partition file and releases them.
func (s *partitionSet) flushAll() error {
	for _, b := range s.buckets {
		if err := s.flush(b); err != nil {
			return err
		}
		b.buf = nil
	}
	s.buffered = 0
	return nil
}

// sorted returns the buckets in order of date, then source name.
func (s *partitionSet) sorted() []*partitionBucket {
	out := make([]*partitionBucket, 0, len(s.buckets))
	for _, b := range s.buckets {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b *partitionBucket) int {
		if d := cmp.Compare(a.key.day, b.key.day); d != 0 {
			return d
		}
		return strings.Compare(s.names.names[a.key.source], s.names.names[b.key.source])
	})
	return out
}

// partition returns the streamed facts of bucket b.
func (s *partitionSet) partition(ctx context.Context, b *partitionBucket) *PartitionFacts {
	return &PartitionFacts{
		Date:   time.Unix(b.key.day*secondsPerDay, 0).UTC(),
		Source: s.names.names[b.key.source],
		r:      &partitionReader{ctx: ctx, file: s.file, bucket: b, dec: spillDecoder{names: s.names.names}},
	}
}

// close releases the partition file and the buffers.
func (s *partitionSet) close() {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	s.buckets = nil
}

// partitionReader reads the encoded facts of one bucket in order. Readers
// of different buckets may run at the same time, because the file is
// read with ReadAt and the buffers are no longer written to.
type partitionReader struct {
	ctx      context.Context
	file     *os.File
	bucket   *partitionBucket
	chunk    int    // index of the next chunk to read
	tailRead bool   // whether the in-memory buffer was reached
	data     []byte // the unread records of the current chunk
	readBuf  []byte
	rows     int
	dec      spillDecoder
}

// next returns the next encoded fact, valid until the following call.
func (r *partitionReader) next() ([]byte, bool, error) {
	for len(r.data) == 0 {
		switch {
		case r.chunk < len(r.bucket.chunks):
			c := r.bucket.chunks[r.chunk]
			r.chunk++
			r.readBuf = slices.Grow(r.readBuf[:0], int(c.n))[:c.n]
			if _, err := r.file.ReadAt(r.readBuf, c.off); err != nil {
				return nil, false, fmt.Errorf("read spill file: %w", err)
			}
			r.data = r.readBuf
		case !r.tailRead:
			r.tailRead = true
			r.data = r.bucket.buf
		default:
			return nil, false, nil
		}
	}
	r.rows++
	if r.rows%ctxCheckRows == 0 {
		if err := r.ctx.Err(); err != nil {
			return nil, false, err
		}
	}
	size, n := binary.Uvarint(r.data)
	if n <= 0 || size > uint64(len(r.data)-n) {
		return nil, false, fmt.Errorf("read spill file: %w", errCorruptSpill)
	}
	body := r.data[n : n+int(size)]
	r.data = r.data[n+int(size):]
	return body, true, nil
}
