package warehouse

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"cloud.google.com/go/bigquery"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// sourceFunc opens a fresh load source for one insert attempt and returns
// a function that closes it.
type sourceFunc func() (bigquery.LoadSource, func(), error)

// stageSource prepares the files of a partition for its load job. With a
// staging bucket they are uploaded to GCS and loaded by gs:// URI.
// Otherwise they go with the job request as its media: one file as it
// is, several merged into one temporary Parquet file, since a request
// carries one file. The returned cleanup removes that temporary file.
func (w *BigQuery) stageSource(ctx context.Context, runID string, p partitionLoad) (sourceFunc, func(), error) {
	if w.storage != nil {
		uris, err := w.stage(ctx, runID, p)
		if err != nil {
			return nil, nil, err
		}
		return func() (bigquery.LoadSource, func(), error) {
			return bigquery.NewGCSReference(uris...), func() {}, nil
		}, func() {}, nil
	}
	media, cleanup := p.files[0], func() {}
	if len(p.files) > 1 {
		merged, err := mergeParquet(ctx, p.files)
		if err != nil {
			return nil, nil, fmt.Errorf("merge partition %s of %s: %w", p.date.Format(time.DateOnly), p.table, err)
		}
		media, cleanup = merged, func() { os.Remove(merged) }
	}
	return func() (bigquery.LoadSource, func(), error) {
		f, err := os.Open(media)
		if err != nil {
			return nil, nil, fmt.Errorf("open %s for upload: %w", media, err)
		}
		return bigquery.NewReaderSource(f), func() { f.Close() }, nil
	}, cleanup, nil
}

// StagedObjectName returns the GCS object name of a staged Parquet file:
// <prefix>/<run_id>/<table>/dt=YYYY-MM-DD/part-<source>.parquet.
func StagedObjectName(prefix, runID, table string, date time.Time, file string) string {
	return path.Join(prefix, runID, table, "dt="+date.Format(time.DateOnly), filepath.Base(file))
}

// stage uploads the files of a partition and returns their gs:// URIs.
// The objects stay after the load; a lifecycle rule on the bucket
// removes them.
func (w *BigQuery) stage(ctx context.Context, runID string, p partitionLoad) ([]string, error) {
	bucket := w.storage.Bucket(w.cfg.StagingBucket)
	var uris []string
	for _, f := range p.files {
		name := StagedObjectName(w.cfg.StagingPrefix, runID, p.table, p.date, f)
		if err := uploadFile(ctx, bucket.Object(name).NewWriter(ctx), f); err != nil {
			return nil, fmt.Errorf("stage %s as gs://%s/%s: %w", f, w.cfg.StagingBucket, name, err)
		}
		uris = append(uris, "gs://"+w.cfg.StagingBucket+"/"+name)
	}
	return uris, nil
}

func uploadFile(ctx context.Context, wr interface {
	io.WriteCloser
	CloseWithError(error) error
}, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(wr, f); err != nil {
		wr.CloseWithError(err)
		return err
	}
	if err := ctx.Err(); err != nil {
		wr.CloseWithError(err)
		return err
	}
	return wr.Close()
}

// mergeParquet writes the rows of files, which share one schema, into one
// temporary Parquet file and returns its path.
func mergeParquet(ctx context.Context, files []string) (string, error) {
	out, err := os.CreateTemp("", "evidencepack-load-*.parquet")
	if err != nil {
		return "", err
	}
	var fw *pqarrow.FileWriter
	for _, f := range files {
		if fw, err = appendParquet(ctx, fw, out, f); err != nil {
			break
		}
	}
	if fw != nil {
		if cerr := fw.Close(); err == nil {
			err = cerr
		}
	} else {
		out.Close()
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// appendParquet copies the record batches of one file to fw, opening fw
// on out with the file's schema when it is nil.
func appendParquet(ctx context.Context, fw *pqarrow.FileWriter, out io.Writer, path string) (*pqarrow.FileWriter, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return fw, fmt.Errorf("read %s: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 * 1024}, memory.DefaultAllocator)
	if err != nil {
		return fw, fmt.Errorf("read %s: %w", path, err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return fw, fmt.Errorf("read %s: %w", path, err)
	}
	defer rr.Release()
	if fw == nil {
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
		if fw, err = pqarrow.NewFileWriter(rr.Schema(), out, props, pqarrow.DefaultWriterProps()); err != nil {
			return nil, err
		}
	}
	for rr.Next() {
		if err := fw.Write(rr.RecordBatch()); err != nil {
			return fw, fmt.Errorf("copy %s: %w", path, err)
		}
	}
	return fw, rr.Err()
}
