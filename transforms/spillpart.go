package transforms

import "time"

// PartitionFacts streams the facts of one partition in key order.
type PartitionFacts struct {
	Date   time.Time
	Source string
	stream *partitionStream
}

// Next returns the partition's next fact, or nil after the last one.
func (p *PartitionFacts) Next() (Fact, error) {
	return p.stream.nextIn(p)
}

// partitionStream splits one merged, partition-ordered sequence of
// entries into partitions. It holds the first entry of the next
// partition, read while finding the end of the current one.
type partitionStream struct {
	next    func() (entry, bool, error)
	head    entry
	hasHead bool
	err     error
}

func (s *partitionStream) advance() {
	s.head, s.hasHead, s.err = s.next()
}

// nextIn returns the head entry while it belongs to p.
func (s *partitionStream) nextIn(p *PartitionFacts) (Fact, error) {
	if s.err != nil {
		return nil, s.err
	}
	if !s.hasHead || !samePartition(s.head, p) {
		return nil, nil
	}
	f := s.head.fact
	s.advance()
	return f, s.err
}

func samePartition(e entry, p *PartitionFacts) bool {
	return e.day == p.Date.Unix() && e.source == p.Source
}

// eachPartition calls fn for each run of entries that share a partition
// and skips whatever fn leaves unread of it.
func eachPartition(next func() (entry, bool, error), fn func(*PartitionFacts) error) error {
	s := &partitionStream{next: next}
	s.advance()
	for s.hasHead && s.err == nil {
		p := &PartitionFacts{Date: s.head.fact.PartitionDate(), Source: s.head.fact.Origin().Source, stream: s}
		if err := fn(p); err != nil {
			return err
		}
		for {
			f, err := p.Next()
			if err != nil {
				return err
			}
			if f == nil {
				break
			}
		}
	}
	return s.err
}
