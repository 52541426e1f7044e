package sources

import (
	"context"
	"fmt"

	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// Files reads local input files with the reader of the source's format.
type Files struct {
	Name   string
	Reader extract.Reader
	Paths  []string
	// BeforeFile runs before each file is read; the run starts hashing
	// the file there. The function it returns, when not nil, runs after
	// the file was read, and its error fails the extract. Nil does
	// nothing.
	BeforeFile func(ctx context.Context, path string) (after func() error, err error)
}

// Extract reads every file in order and checks that each reader reported
// as many records as it counted.
func (f *Files) Extract(ctx context.Context, sink transforms.Sink) (*Report, error) {
	counter := &countingSink{next: sink}
	report := &Report{}
	for _, path := range f.Paths {
		var after func() error
		if f.BeforeFile != nil {
			var err error
			if after, err = f.BeforeFile(ctx, path); err != nil {
				return report, err
			}
		}
		before := counter.records
		n, err := f.Reader.Read(ctx, path, counter)
		report.Records = counter.records
		if after != nil {
			if aerr := after(); aerr != nil && err == nil {
				err = aerr
			}
		}
		if err != nil {
			return report, fmt.Errorf("source %s: %w", f.Name, err)
		}
		if got := counter.records - before; got != n {
			return report, fmt.Errorf("source %s: %s: reader counted %d records but reported %d", f.Name, path, n, got)
		}
	}
	return report, nil
}

// countingSink counts the records passed to the next sink.
type countingSink struct {
	next    transforms.Sink
	records int64
}

func (c *countingSink) Fact(f transforms.Fact) error {
	c.records++
	return c.next.Fact(f)
}

func (c *countingSink) Reject(r transforms.Reject) error {
	c.records++
	return c.next.Reject(r)
}
