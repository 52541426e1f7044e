package extract

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetBatchRows is the number of rows decoded at a time.
const parquetBatchRows = 1024

// readParquet streams a FOCUS Parquet file one record batch at a time and
// converts every cell to the text that a CSV export would hold, so that
// both go through the same parsing.
//
// arrow-go v18.9.0 panics on some corrupt files, for example on a footer
// whose schema has an unknown logical type. Such a panic becomes an error
// of this file, so one bad file cannot crash the run.
func (r *focusReader) readParquet(em *emitter) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("read %s: invalid Parquet file: %v", em.file, p)
		}
	}()
	pf, err := file.OpenParquetFile(em.file, false)
	if err != nil {
		return fmt.Errorf("read %s: %w", em.file, err)
	}
	defer pf.Close()
	dropStoredArrowSchema(pf)
	props := pqarrow.ArrowReadProperties{BatchSize: parquetBatchRows}
	fr, err := pqarrow.NewFileReader(pf, props, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("read %s: %w", em.file, err)
	}
	header, err := r.parquetHeader(em.file, fr)
	if err != nil {
		return err
	}

	rr, err := fr.GetRecordReader(em.ctx, nil, nil)
	if err != nil {
		return fmt.Errorf("read %s: %w", em.file, err)
	}
	defer rr.Release()
	return r.parquetBatches(em, rr, header)
}

// dropStoredArrowSchema hides the Arrow schema that Arrow writers store in
// the footer under ARROW:schema, so pqarrow derives the Arrow types from
// the Parquet schema alone. arrow-go v18.9.0 trusts the lengths inside
// that stored schema: a corrupt one made it allocate about 325 GB and
// the process died out of memory, which no recover can catch. The Parquet
// logical types give every type the reader needs (decimals, UTC
// timestamps, maps, strings).
func dropStoredArrowSchema(pf *file.Reader) {
	for _, kv := range pf.MetaData().KeyValueMetadata() {
		if kv != nil && kv.Key == "ARROW:schema" {
			kv.Value = nil
		}
	}
}

// parquetHeader returns the top-level column names of a Parquet file and
// checks that the required FOCUS columns are among them.
func (r *focusReader) parquetHeader(path string, fr *pqarrow.FileReader) (*csvHeader, error) {
	schema, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("read %s: schema: %w", path, err)
	}
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	header, err := newCSVHeader(path, names)
	if err != nil {
		return nil, err
	}
	header.resolve(r.paths)
	if err := r.checkHeader(header); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return header, nil
}

func (r *focusReader) parquetBatches(em *emitter, rr pqarrow.RecordReader, header *csvHeader) error {
	values := make([]string, len(header.names))
	nulls := make([]bool, len(header.names))
	for rr.Next() {
		batch := rr.RecordBatch()
		for row := 0; row < int(batch.NumRows()); row++ {
			// The cells are read before the record is numbered, so a panic
			// on a corrupt page leaves no record unreported.
			for c := range values {
				values[c], nulls[c] = arrowText(batch.Column(c), row)
			}
			o, err := em.next()
			if err != nil {
				return err
			}
			if err := r.emitRow(em, o, header, values, nulls); err != nil {
				return err
			}
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return em.wrap(err)
	}
	return nil
}

// arrowText returns the text of one cell and whether it is null. DOUBLE
// values are written with the fewest digits that read back as the same
// float64, and decimals with their exact digits, so ParseDecimal gets the
// text that a CSV export would contain.
func arrowText(arr arrow.Array, i int) (string, bool) {
	if arr.IsNull(i) {
		return "", true
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i), false
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64), false
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32), false
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale), false
	case *array.Decimal256:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal256Type).Scale), false
	case *array.Timestamp:
		return timestampText(a, i), false
	case *array.Dictionary:
		return arrowText(a.Dictionary(), a.GetValueIndex(i))
	case *array.Map:
		return mapText(a, i), false
	}
	if arrow.IsNested(arr.DataType().ID()) {
		b, err := json.Marshal(arr.GetOneForMarshal(i))
		if err == nil {
			return string(b), false
		}
	}
	return arr.ValueStr(i), false
}

// timestampText writes a timestamp in UTC with its offset; a timestamp
// type without a zone holds UTC wall time.
func timestampText(a *array.Timestamp, i int) string {
	toTime, err := a.DataType().(*arrow.TimestampType).GetToTimeFunc()
	if err != nil {
		return a.ValueStr(i)
	}
	return toTime(a.Value(i)).UTC().Format(time.RFC3339Nano)
}

// mapText writes a Parquet MAP cell, such as FOCUS Tags, as a JSON object.
func mapText(a *array.Map, i int) string {
	start, end := a.ValueOffsets(i)
	keys, items := a.Keys(), a.Items()
	obj := make(map[string]any, end-start)
	for j := int(start); j < int(end); j++ {
		obj[keys.ValueStr(j)] = items.GetOneForMarshal(j)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return ""
	}
	return string(b)
}
