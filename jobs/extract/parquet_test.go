package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"evidencepack/transforms"
)

// writeFOCUSParquet writes a three-row FOCUS file with BilledCost as
// DOUBLE (as AWS writes it) and EffectiveCost as DECIMAL(38,12) (as Azure
// does).
func writeFOCUSParquet(t *testing.T) string {
	t.Helper()
	effectiveType := &arrow.Decimal128Type{Precision: 38, Scale: 12}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "BilledCost", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "EffectiveCost", Type: effectiveType, Nullable: true},
		{Name: "BillingCurrency", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ChargeCategory", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ChargePeriodStart", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "ChargePeriodEnd", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)

	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{0.1, 1e-7, 0}, []bool{true, true, false})
	eff := b.Field(1).(*array.Decimal128Builder)
	eff.Append(decimal128.FromI64(123456789012345)) // 123.456789012345
	eff.AppendNull()
	eff.AppendNull()
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"USD", "USD", "USD"}, nil)
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"Usage", "Usage", "Usage"}, nil)
	start := arrow.Timestamp(time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC).UnixMicro())
	b.Field(4).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{start, start, start}, nil)
	b.Field(5).(*array.StringBuilder).AppendValues([]string{"2024-09-02 00:00:00", "2024-09-02 00:00:00", ""}, []bool{true, true, false})

	rec := b.NewRecordBatch()
	defer rec.Release()

	path := filepath.Join(t.TempDir(), "focus.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(schema, f, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFOCUSParquet(t *testing.T) {
	path := writeFOCUSParquet(t)
	sink, n := mustRead(t, focusSource(), path)
	if n != 3 || len(sink.facts) != 2 || len(sink.rejects) != 1 {
		t.Fatalf("records %d facts %d rejects %d, want 3, 2, 1:\n%s", n, len(sink.facts), len(sink.rejects), rejectReasons(sink))
	}
	first := sink.facts[0].(*transforms.CostLine)
	billed, effective := money(t, *first)
	if billed != "0.1" {
		t.Errorf("DOUBLE 0.1 read as %s, want 0.1", billed)
	}
	if effective != "123.456789012345" {
		t.Errorf("DECIMAL(38,12) read as %s, want 123.456789012345", effective)
	}
	if !first.ChargePeriodStart.Equal(time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("start %v, want 2024-09-01 UTC", first.ChargePeriodStart)
	}
	second := sink.facts[1].(*transforms.CostLine)
	if billed, effective := money(t, *second); billed != "0.0000001" || effective != billed {
		t.Errorf("DOUBLE 1e-7 with NULL EffectiveCost read as %s / %s, want 0.0000001 twice", billed, effective)
	}
	if r := sink.rejects[0]; r.Record != 3 || r.Column != "BilledCost" || r.Reason != "missing" {
		t.Errorf("null BilledCost: reject %+v, want record 3 BilledCost missing", r)
	}
	if first.Key() == second.Key() || len(first.Key()) != 64 {
		t.Errorf("line ids %q and %q are not distinct row hashes", first.Key(), second.Key())
	}
}

func TestFOCUSParquetNotParquet(t *testing.T) {
	_, _, err := readFile(t, focusSource(), "testdata/not_parquet.parquet")
	if err == nil || !strings.Contains(err.Error(), "testdata/not_parquet.parquet") {
		t.Errorf("error %v, want one naming the file", err)
	}
}
