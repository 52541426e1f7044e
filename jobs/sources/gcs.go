package sources

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// gcsSource reads the Cloud Storage objects that match gs://bucket/glob
// paths with the file reader of the source's format. Each object is
// copied to a temporary file while its SHA-256 is computed, read, and
// removed.
type gcsSource struct {
	src    config.Source
	opts   Options
	reader extract.Reader
}

func newGCS(src config.Source, opts Options) (*gcsSource, error) {
	reader, err := extract.New(src)
	if err != nil {
		return nil, err
	}
	return &gcsSource{src: src, opts: opts, reader: reader}, nil
}

// Extract lists, downloads and reads every matching object in name order.
func (g *gcsSource) Extract(ctx context.Context, sink transforms.Sink) (*Report, error) {
	var clientOpts []option.ClientOption
	if g.src.Location.Endpoint != "" {
		clientOpts = append(clientOpts, option.WithEndpoint(g.src.Location.Endpoint), option.WithoutAuthentication())
	}
	client, err := storage.NewClient(ctx, clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("source %s: create Cloud Storage client: %w", g.src.Name, err)
	}
	defer client.Close()
	counter := &countingSink{next: sink}
	report := &Report{}
	for _, pattern := range g.src.Paths {
		if err := g.readPattern(ctx, client, pattern, counter, report); err != nil {
			return nil, err
		}
	}
	report.Records = counter.records
	return report, nil
}

func (g *gcsSource) readPattern(ctx context.Context, client *storage.Client, pattern string,
	sink *countingSink, report *Report) error {
	bucket, glob, err := splitGCSPath(pattern)
	if err != nil {
		return fmt.Errorf("source %s: %w", g.src.Name, err)
	}
	it := client.Bucket(bucket).Objects(ctx, &storage.Query{Prefix: globPrefix(glob)})
	for {
		attrs, err := it.Next()
		if err == iterator.Done {
			return nil
		}
		if err != nil {
			return fmt.Errorf("source %s: list gs://%s/%s: %w", g.src.Name, bucket, globPrefix(glob), err)
		}
		if ok, _ := path.Match(glob, attrs.Name); !ok {
			continue
		}
		fetch, err := g.readObject(ctx, client, attrs, sink)
		if err != nil {
			return err
		}
		report.Fetches = append(report.Fetches, fetch)
	}
}

// readObject reads one object generation, so a concurrent overwrite cannot
// mix two versions.
func (g *gcsSource) readObject(ctx context.Context, client *storage.Client, attrs *storage.ObjectAttrs,
	sink *countingSink) (Fetch, error) {
	uri := "gs://" + attrs.Bucket + "/" + attrs.Name
	local, hashed, err := g.download(ctx, client, attrs)
	if local != "" {
		defer os.RemoveAll(filepath.Dir(local))
	}
	if err != nil {
		return Fetch{}, fmt.Errorf("source %s: read %s: %w", g.src.Name, uri, err)
	}
	before := sink.records
	n, err := g.reader.Read(ctx, local, &objectSink{next: sink, uri: uri})
	if err != nil {
		return Fetch{}, fmt.Errorf("source %s: %s: %w", g.src.Name, uri, err)
	}
	if got := sink.records - before; got != n {
		return Fetch{}, fmt.Errorf("source %s: %s: reader counted %d records but reported %d", g.src.Name, uri, n, got)
	}
	return Fetch{Source: g.src.Name, Endpoint: uri, Rows: n, Bytes: hashed.bytes, SHA256: hashed.sum(),
		Generation: attrs.Generation}, nil
}

// download copies the object to a file with the object's base name in a
// new temporary directory, so the readers see its extension.
func (g *gcsSource) download(ctx context.Context, client *storage.Client, attrs *storage.ObjectAttrs) (string, *fetchHash, error) {
	dir, err := os.MkdirTemp(g.opts.TempDir, ".tmp-gcs-")
	if err != nil {
		return "", nil, err
	}
	local := filepath.Join(dir, path.Base(attrs.Name))
	obj := client.Bucket(attrs.Bucket).Object(attrs.Name).Generation(attrs.Generation)
	r, err := obj.NewReader(ctx)
	if err != nil {
		return local, nil, err
	}
	defer r.Close()
	f, err := os.Create(local)
	if err != nil {
		return local, nil, err
	}
	defer f.Close()
	hashed := newFetchHash()
	if _, err := io.Copy(io.MultiWriter(f, hashed), r); err != nil {
		return local, nil, err
	}
	return local, hashed, f.Close()
}

func splitGCSPath(p string) (bucket, object string, err error) {
	rest, ok := strings.CutPrefix(p, "gs://")
	bucket, object, found := strings.Cut(rest, "/")
	if !ok || !found || bucket == "" || object == "" {
		return "", "", fmt.Errorf("invalid Cloud Storage path %q: expected gs://bucket/object-glob", p)
	}
	return bucket, object, nil
}

// globPrefix returns the part of a glob before its first wildcard, which
// narrows the object listing.
func globPrefix(glob string) string {
	if i := strings.IndexAny(glob, "*?[\\"); i >= 0 {
		return glob[:i]
	}
	return glob
}

// objectSink reports the records of one downloaded object with the
// object's gs:// URI as their file, in place of the temporary file's path,
// so quarantine rows and privacy rejects name the object.
type objectSink struct {
	next *countingSink
	uri  string
}

func (s *objectSink) Fact(f transforms.Fact) error {
	switch fact := f.(type) {
	case *transforms.UsageEvent:
		fact.From.File = s.uri
	case *transforms.ReviewLabel:
		fact.From.File = s.uri
	case *transforms.CostLine:
		fact.From.File = s.uri
	case *transforms.Incident:
		fact.From.File = s.uri
	}
	return s.next.Fact(f)
}

func (s *objectSink) Reject(r transforms.Reject) error {
	r.File = s.uri
	return s.next.Reject(r)
}
