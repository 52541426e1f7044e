package transforms

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"
)

func costFixture(t *testing.T) []Fact {
	t.Helper()
	parse := func(s string) Num {
		n, err := ParseDecimal(s, MoneyScale)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	qty := parse("2.000000000000001")
	start := time.Date(2026, 7, 4, 22, 0, 0, 0, time.UTC)
	return []Fact{
		&CostLine{From: Origin{Source: "bill"}, LineID: "b", ChargePeriodStart: start,
			ChargePeriodEnd: start.Add(time.Hour), AccountID: "acme", Provider: "AWS",
			Service: "Amazon Bedrock", ChargeCategory: "Usage", ConsumedQuantity: &qty,
			BilledCost: parse("0.000000800000001"), EffectiveCost: parse("0.0000008"), Currency: "USD"},
		&CostLine{From: Origin{Source: "bill"}, LineID: "a", ChargePeriodStart: start,
			ChargePeriodEnd: start.Add(time.Hour), AccountID: Unattributed, ChargeCategory: "Credit",
			BilledCost: parse("-30.00"), EffectiveCost: parse("-30.00"), Currency: "EUR"},
	}
}

// TestParquetReadBackTwoReaders writes cost lines with arrow-go and reads
// them back with xitongsys/parquet-go and with DuckDB.
func TestParquetReadBackTwoReaders(t *testing.T) {
	root := t.TempDir()
	c := NewCollector(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC))
	for _, f := range costFixture(t) {
		c.Add(f)
	}
	parts := c.Partitions()
	file, err := WritePartition(context.Background(), root, TableCosts, parts[0])
	if err != nil {
		t.Fatalf("WritePartition: %v", err)
	}
	if want := filepath.Join(root, "cost_lines", "dt=2026-07-04", PartFileName("bill")); file != want {
		t.Errorf("file = %s, want %s", file, want)
	}
	want := []string{
		"a|2026-07-04T22:00:00Z|unattributed|-30|EUR|2026-07-04",
		"b|2026-07-04T22:00:00Z|acme|0.000000800000001|USD|2026-07-04",
	}
	if got := readWithXitongsys(t, file); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("xitongsys rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := readWithDuckDB(t, file); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("duckdb rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func readWithXitongsys(t *testing.T, file string) []string {
	t.Helper()
	fr, err := local.NewLocalFileReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	pr, err := reader.NewParquetColumnReader(fr, 1)
	if err != nil {
		t.Fatalf("open with xitongsys: %v", err)
	}
	defer pr.ReadStop()
	n := int(pr.GetNumRows())
	col := func(name string) []any {
		// xitongsys names columns by their Go-style internal name:
		// "Schema" for the root and a capitalised first letter.
		path := "Schema\x01" + strings.ToUpper(name[:1]) + name[1:]
		vals, _, _, err := pr.ReadColumnByPath(path, int64(n))
		if err != nil {
			t.Fatalf("read column %s: %v", name, err)
		}
		return vals
	}
	ids, starts, accounts := col("line_id"), col("charge_period_start"), col("account_id")
	costs, currencies, dts := col("billed_cost"), col("currency"), col("dt")
	var rows []string
	for i := 0; i < n; i++ {
		start := time.UnixMicro(starts[i].(int64)).UTC().Format(time.RFC3339)
		dt := time.Unix(int64(dts[i].(int32))*86400, 0).UTC().Format(time.DateOnly)
		rows = append(rows, fmt.Sprintf("%s|%s|%s|%s|%s|%s", ids[i], start, accounts[i],
			decimalFromBytes(costs[i].(string)), currencies[i], dt))
	}
	return rows
}

// decimalFromBytes decodes a big-endian two's complement decimal at
// MoneyScale, as Parquet stores FIXED_LEN_BYTE_ARRAY decimals.
func decimalFromBytes(raw string) string {
	b := []byte(raw)
	v := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	n := NumFromBigInt(v)
	return FormatDecimal(n, MoneyScale)
}

func readWithDuckDB(t *testing.T, file string) []string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("SET TimeZone = 'UTC'"); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT line_id, strftime(charge_period_start, '%Y-%m-%dT%H:%M:%SZ'), account_id,
		CAST(billed_cost AS VARCHAR), currency, CAST(dt AS VARCHAR)
		FROM read_parquet(?) ORDER BY line_id`, file)
	if err != nil {
		t.Fatalf("duckdb read_parquet: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, start, account, cost, currency, dt string
		if err := rows.Scan(&id, &start, &account, &cost, &currency, &dt); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|%s", id, start, account, trimZeros(cost), currency, dt))
	}
	return out
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

func TestWritePartitionIsDeterministic(t *testing.T) {
	var files [2][]byte
	for i := range files {
		root := t.TempDir()
		c := NewCollector(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC))
		for _, f := range costFixture(t) {
			c.Add(f)
		}
		path, err := WritePartition(context.Background(), root, TableCosts, c.Partitions()[0])
		if err != nil {
			t.Fatal(err)
		}
		if files[i], err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("two writes of the same rows differ")
	}
}

func TestWritePartitionLeavesNoTempFiles(t *testing.T) {
	root := t.TempDir()
	c := NewCollector(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC))
	for _, f := range costFixture(t) {
		c.Add(f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WritePartition(ctx, root, TableCosts, c.Partitions()[0]); err == nil {
		t.Fatal("WritePartition with a cancelled context succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(root, "cost_lines", "dt=2026-07-04"))
	if len(entries) != 0 {
		t.Errorf("partition directory holds %d entries after a cancelled write, want 0", len(entries))
	}
}

// writeOneBatchPerRowGroup writes facts the way the writer did before it
// built smaller batches: one record batch of up to BatchRows rows per
// FileWriter.Write call, each call one row group.
func writeOneBatchPerRowGroup(t *testing.T, path, table string, facts []Fact) []byte {
	t.Helper()
	schema, err := SchemaOf(table)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fw, err := pqarrow.NewFileWriter(schema, f, writerProps(schema), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for start := 0; start < len(facts); start += BatchRows {
		for _, fact := range facts[start:min(start+BatchRows, len(facts))] {
			AppendFact(b, fact)
		}
		rec := b.NewRecordBatch()
		err := fw.Write(rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// wideUsageEvents returns n usage events of one partition with unique
// 40-byte event ids, so that the event_id dictionary outgrows its 1 MiB
// limit and falls back to plain pages, with nulls and long texts.
func wideUsageEvents(n int) []Fact {
	at := time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)
	facts := make([]Fact, n)
	for i := range facts {
		var ht *float64
		if i%3 != 0 {
			v := float64(i%977) / 7
			ht = &v
		}
		workflow := ""
		if i%5 != 0 {
			workflow = fmt.Sprintf("workflow-%d", i%11)
		}
		facts[i] = &UsageEvent{From: Origin{Source: "events"}, EventID: fmt.Sprintf("evt-%036d", i),
			OccurredAt: at.Add(time.Duration(i) * time.Millisecond), AccountID: fmt.Sprintf("acct-%d", i%50),
			Workflow: workflow, CaseID: fmt.Sprintf("case-%d-%s", i/3, strings.Repeat("x", i%97)),
			UserID: fmt.Sprintf("user-%d", i%1000), EventType: "case_opened", HandleTimeSeconds: ht}
	}
	return facts
}

// TestWritePartitionBufferedRowGroups compares files written
// through buffered row groups of buildRows batches with files written
// with one batch per row group, for partitions of up to three row groups
// of every table.
func TestWritePartitionBufferedRowGroups(t *testing.T) {
	tests := []struct {
		name  string
		table string
		facts []Fact
	}{
		{"usage, three row groups", TableUsage, wideUsageEvents(2*BatchRows + 5000)},
		{"usage, one short row group", TableUsage, wideUsageEvents(buildRows + 1)},
		{"usage, random", TableUsage, randomFacts(TableUsage, 20_000, 21)},
		{"labels, random", TableLabels, randomFacts(TableLabels, 20_000, 22)},
		{"costs, random", TableCosts, randomFacts(TableCosts, 20_000, 23)},
		{"incidents, random", TableIncidents, randomFacts(TableIncidents, 20_000, 24)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			want := writeOneBatchPerRowGroup(t, filepath.Join(dir, "want.parquet"), tt.table, tt.facts)
			file, err := WritePartition(context.Background(), dir, tt.table,
				Partition{Date: tt.facts[0].PartitionDate(), Source: tt.facts[0].Origin().Source, Facts: tt.facts})
			if err != nil {
				t.Fatalf("WritePartition: %v", err)
			}
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !sameParquet(got, want) {
				t.Errorf("file of %d bytes differs from the one-batch-per-row-group file of %d bytes", len(got), len(want))
			}
		})
	}
}

// sameParquet reports whether two Parquet files are the same apart from
// the order of their column chunks' encoding stats: the same bytes up to
// the footer, and footers of the same length that hold the same bytes.
// arrow-go v18.9 lists the encoding stats of a column chunk in Go map
// order, which varies between runs when a chunk has dictionary-encoded
// and plain data pages.
func sameParquet(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	if len(a) != len(b) || len(a) < 12 {
		return false
	}
	footer := int(binary.LittleEndian.Uint32(a[len(a)-8:]))
	body := len(a) - 8 - footer
	if body < 4 || !bytes.Equal(a[:body], b[:body]) {
		return false
	}
	fa, fb := slices.Clone(a[body:]), slices.Clone(b[body:])
	slices.Sort(fa)
	slices.Sort(fb)
	return bytes.Equal(fa, fb)
}

func TestSameParquet(t *testing.T) {
	file := []byte("PAR1bodyABCD\x04\x00\x00\x00PAR1")
	tests := []struct {
		name string
		b    []byte
		want bool
	}{
		{"identical", []byte("PAR1bodyABCD\x04\x00\x00\x00PAR1"), true},
		{"footer bytes reordered", []byte("PAR1bodyDCBA\x04\x00\x00\x00PAR1"), true},
		{"footer byte changed", []byte("PAR1bodyABCE\x04\x00\x00\x00PAR1"), false},
		{"body byte changed", []byte("PAR1bodzABCD\x04\x00\x00\x00PAR1"), false},
		{"longer", []byte("PAR1bodyyABCD\x04\x00\x00\x00PAR1"), false},
	}
	for _, tt := range tests {
		if got := sameParquet(file, tt.b); got != tt.want {
			t.Errorf("%s: sameParquet = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestWritePartitionDictionaryColumns reads the column chunks of each
// table's file with DuckDB's parquet_metadata and checks that keys, case
// ids, timestamps and amounts are written without a dictionary page and
// every other column with one.
func TestWritePartitionDictionaryColumns(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	wantPlain := map[string][]string{
		TableUsage:  {"event_id", "occurred_at", "case_id"},
		TableLabels: {"label_id", "labeled_at", "case_id"},
		// Parquet has no dictionary encoding for booleans.
		TableCosts: {"line_id", "charge_period_start", "charge_period_end", "commitment_purchase",
			"consumed_quantity", "billed_cost", "effective_cost"},
		TableIncidents: {"incident_id", "opened_at", "acknowledged_at", "resolved_at"},
	}
	for _, table := range Tables {
		t.Run(table, func(t *testing.T) {
			schema, err := SchemaOf(table)
			if err != nil {
				t.Fatal(err)
			}
			var facts []Fact
			for _, f := range randomFacts(table, 500, 3) {
				if f.PartitionDate().Equal(day(1)) && f.Origin().Source == "alpha" {
					facts = append(facts, f)
				}
			}
			file, err := WritePartition(context.Background(), t.TempDir(), table,
				Partition{Date: day(1), Source: "alpha", Facts: facts})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := db.Query(`SELECT path_in_schema, dictionary_page_offset IS NULL
				FROM parquet_metadata(?) WHERE row_group_id = 0`, file)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			seen := 0
			for rows.Next() {
				var column string
				var plain bool
				if err := rows.Scan(&column, &plain); err != nil {
					t.Fatal(err)
				}
				seen++
				if want := slices.Contains(wantPlain[table], column); plain != want {
					t.Errorf("column %s written without a dictionary: %v, want %v", column, plain, want)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if seen != len(schema.Fields()) {
				t.Errorf("parquet_metadata lists %d columns, want %d", seen, len(schema.Fields()))
			}
		})
	}
}
