package demo

import (
	"bufio"
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Parquet layout of the FOCUS export: money as decimal128(38,12), so the
// ten fractional digits of the text form fit with room to spare.
const (
	parquetMoneyPrecision = 38
	parquetMoneyScale     = 12
	parquetBatchRows      = 4096
)

// focusArrowSchema returns the Arrow schema of the FOCUS Parquet export.
// Every column is nullable.
func focusArrowSchema() *arrow.Schema {
	fields := make([]arrow.Field, len(focusColumns))
	for i, col := range focusColumns {
		var dt arrow.DataType = arrow.BinaryTypes.String
		switch col.kind {
		case kindMoney:
			dt = &arrow.Decimal128Type{Precision: parquetMoneyPrecision, Scale: parquetMoneyScale}
		case kindTime:
			dt = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		}
		fields[i] = arrow.Field{Name: col.name, Type: dt, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// writeFocusParquet writes the rows of month m as a zstd-compressed
// Parquet FOCUS export.
func writeFocusParquet(ctx context.Context, g *generator, rel string, m month, rows []*costRow) error {
	return g.writeFile(ctx, rel, KindCosts, func(w *bufio.Writer) (int, error) {
		schema := focusArrowSchema()
		props := parquet.NewWriterProperties(
			parquet.WithCompression(compress.Codecs.Zstd),
			parquet.WithCreatedBy("evidencepack demo-data"),
		)
		fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return 0, err
		}
		for start := 0; start < len(rows); start += parquetBatchRows {
			if err := ctx.Err(); err != nil {
				fw.Close()
				return start, err
			}
			if err := writeParquetBatch(fw, schema, rows[start:min(start+parquetBatchRows, len(rows))], m); err != nil {
				fw.Close()
				return start, err
			}
		}
		return len(rows), fw.Close()
	})
}

// writeParquetBatch appends rows to a record batch and writes it.
func writeParquetBatch(fw *pqarrow.FileWriter, schema *arrow.Schema, rows []*costRow, m month) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, row := range rows {
		for i, col := range focusColumns {
			if err := appendCell(b.Field(i), col.kind, col.get(row, m)); err != nil {
				return fmt.Errorf("column %s: %w", col.name, err)
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return fw.Write(rec)
}

// appendCell appends one value to the builder of its column.
func appendCell(fb array.Builder, kind cellKind, c cell) error {
	if c.null {
		fb.AppendNull()
		return nil
	}
	switch kind {
	case kindMoney:
		scaled := decimal128.FromI64(c.money).Mul(decimal128.FromI64(100)) // 10⁻¹⁰ to 10⁻¹² units
		fb.(*array.Decimal128Builder).Append(scaled)
	case kindTime:
		ts, err := arrow.TimestampFromTime(c.time, arrow.Microsecond)
		if err != nil {
			return err
		}
		fb.(*array.TimestampBuilder).Append(ts)
	default:
		fb.(*array.StringBuilder).Append(c.text)
	}
	return nil
}
