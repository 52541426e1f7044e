package extract

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"evidencepack/config"
	"evidencepack/transforms"
)

// streamCSVSequential is the reference for streamCSV: it reads the file
// with encoding/csv and handles every record in turn on one goroutine,
// as the readers did before the parallel parser.
func streamCSVSequential(em *emitter, delimiter rune, paths fieldPaths, check func(*csvHeader) error, handler func(em *emitter) csvRowFunc) error {
	f, br, err := openInput(em.file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(br)
	r.Comma = delimiter
	r.FieldsPerRecord = -1
	first, err := r.Read()
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("read %s: empty file, expected a header row", em.file)
		}
		return fmt.Errorf("read %s: header: %w", em.file, err)
	}
	header, err := newCSVHeader(em.file, first)
	if err != nil {
		return err
	}
	header.resolve(paths)
	if err := check(header); err != nil {
		return fmt.Errorf("read %s: %w", em.file, err)
	}
	handle := handler(em)
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		var parseErr *csv.ParseError
		if err != nil && !errors.As(err, &parseErr) {
			return em.wrap(err)
		}
		o, nerr := em.next()
		if nerr != nil {
			return nerr
		}
		if parseErr != nil {
			err = em.rejectRecord(o, "invalid CSV: "+parseErr.Err.Error(), nil)
		} else if reason := header.widthReason(row); reason != "" {
			err = em.rejectRecord(o, reason, []byte(strings.Join(row, string(delimiter))))
		} else {
			err = handle(o, header, row)
		}
		if err != nil {
			return err
		}
	}
}

// readCSVSequential reads file as reader r does, but through
// streamCSVSequential. Its row functions repeat those of the readers'
// Read methods.
func readCSVSequential(t *testing.T, r Reader, file string) (*testSink, int64, error) {
	t.Helper()
	sink := &testSink{}
	var (
		em  *emitter
		err error
	)
	switch x := r.(type) {
	case *genericReader:
		em = newEmitter(context.Background(), x.conv, file, sink)
		err = streamCSVSequential(em, x.delimiter, x.paths, x.checkHeader, func(em *emitter) csvRowFunc {
			return func(o transforms.Origin, h *csvHeader, row []string) error {
				fields := &rowFields{columns: h.columns, values: row, nullText: x.nullText}
				return x.emit(em, o, fields, func() string { return rowHash(x.conv.src.Name, h.names, row, nil) })
			}
		})
	case *focusReader:
		em = newEmitter(context.Background(), x.conv, file, sink)
		err = streamCSVSequential(em, ',', x.paths, x.checkHeader, func(em *emitter) csvRowFunc {
			return func(o transforms.Origin, h *csvHeader, row []string) error {
				return x.emitRow(em, o, h, row, nil)
			}
		})
	default:
		t.Fatalf("reader %T does not read CSV", r)
	}
	return sink, em.records, err
}

// csvCompareSources are the CSV sources the readers are compared with:
// the generic csv reader of each kind, one with a semicolon delimiter and
// null text, and the FOCUS reader.
func csvCompareSources() []config.Source {
	sources := genericSources(FormatCSV)
	sources = append(sources, config.Source{
		Name: "events_csv", Kind: KindUsage, Format: FormatCSV,
		CSV: config.CSVOptions{Delimiter: ";", NullValues: []string{`\N`}},
		Fields: map[string]string{"event_id": "id", "occurred_at": "ts", "account_id": "acct",
			"event_type": "kind", "handle_time_seconds": "secs", "case_id": "case"},
		EventTypes: map[string]string{"Case Resolved": "case_resolved"},
	}, focusSource())
	return sources
}

// TestCSVReadersMatchSequential reads every CSV fixture and seed input
// with each CSV source, in blocks small enough that most records start a
// new block, and compares the facts, rejects, record count and error with
// the sequential encoding/csv reference.
func TestCSVReadersMatchSequential(t *testing.T) {
	defer func(size int) { csvChunkBytes = size }(csvChunkBytes)
	dir := t.TempDir()
	for name, data := range csvCorpus(t) {
		path := filepath.Join(dir, "input.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, src := range csvCompareSources() {
			for _, size := range []int{16, 1 << 20} {
				csvChunkBytes = size
				compareCSVReaders(t, src, path, fmt.Sprintf("%s, %s, blocks of %d", filepath.Base(name), src.Name, size))
			}
		}
	}
}

func compareCSVReaders(t *testing.T, src config.Source, path, what string) {
	t.Helper()
	r, err := New(src)
	if err != nil {
		t.Fatal(err)
	}
	got := &testSink{}
	n, readErr := r.Read(context.Background(), path, got)
	want, wantN, wantErr := readCSVSequential(t, r, path)
	if !sameReadError(readErr, wantErr) {
		t.Fatalf("%s: error %v, want %v", what, readErr, wantErr)
	}
	if n != wantN {
		t.Fatalf("%s: %d records, want %d", what, n, wantN)
	}
	if !reflect.DeepEqual(got.facts, want.facts) {
		t.Fatalf("%s: facts differ\n got %+v\nwant %+v", what, got.facts, want.facts)
	}
	if !reflect.DeepEqual(got.rejects, want.rejects) {
		t.Fatalf("%s: rejects differ\n got %+v\nwant %+v", what, got.rejects, want.rejects)
	}
}

// sameReadError reports whether two Read errors match. The generic
// reader names the first absent mapped column in map order, so those
// errors match on their kind alone.
func sameReadError(got, want error) bool {
	const absent = "header has no column"
	if got != nil && want != nil && strings.Contains(want.Error(), absent) {
		return strings.Contains(got.Error(), absent)
	}
	return fmt.Sprint(got) == fmt.Sprint(want)
}

// TestCSVReaderOrderAcrossBlocks reads a file of many small blocks, with
// bad rows spread through it, on 1 and 4 workers, and checks that facts
// and rejects keep the input order and record numbers.
func TestCSVReaderOrderAcrossBlocks(t *testing.T) {
	defer func(size int) { csvChunkBytes = size }(csvChunkBytes)
	var b strings.Builder
	b.WriteString("event_id,occurred_at,account_id,event_type,handle_time_seconds\r\n")
	for i := range 3000 {
		switch i % 97 {
		case 13:
			fmt.Fprintf(&b, "e%d,2026-07-01T10:00:00Z,a\"cc,case_opened,1\r\n", i) // bare quote
		case 41:
			fmt.Fprintf(&b, "e%d,2026-07-01T10:00:00Z,acct,case_opened,-1\r\n", i) // negative handle time
		case 60:
			fmt.Fprintf(&b, "\"e%d\nsecond line\",2026-07-01T10:00:00Z,acct,case_opened,1,extra\r\n", i) // too many fields
		default:
			fmt.Fprintf(&b, "\"e%d\",2026-07-01T10:%02d:00Z,acct-%d,case_opened,%d\r\n", i, i%60, i%7, i)
		}
	}
	path := writeInput(t, "order.csv", b.String())
	src := genericSources(FormatCSV)[0]
	csvChunkBytes = 256
	for _, procs := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(procs)
		compareCSVReaders(t, src, path, fmt.Sprintf("GOMAXPROCS %d", procs))
		runtime.GOMAXPROCS(prev)
	}
}

// TestCSVRecordTooLong reads a file whose second record is a quoted field
// that never closes and is longer than maxCSVRecordBytes.
func TestCSVRecordTooLong(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 17 MiB file")
	}
	head := "event_id,occurred_at,event_type\ne1,2026-07-01T10:00:00Z,case_opened\n"
	huge := "e2,\"" + strings.Repeat("x\n", maxCSVRecordBytes/2+10)
	path := writeInput(t, "huge.csv", head+huge)
	sink, n, err := readFile(t, hostileUsageCSV, path)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if n != 2 || len(sink.facts) != 1 || len(sink.rejects) != 1 {
		t.Fatalf("records %d facts %d rejects %d, want 2, 1 and 1", n, len(sink.facts), len(sink.rejects))
	}
	r := sink.rejects[0]
	wantReason := csvTooLongReason(int64(len(huge)), maxCSVRecordBytes)
	if r.Record != 2 || r.Reason != wantReason {
		t.Errorf("reject record %d reason %q, want record 2 and %q", r.Record, r.Reason, wantReason)
	}
	if r.Raw != huge[:lineRawPrefix] {
		t.Errorf("reject raw value %q, want the record's first %d bytes", r.Raw, lineRawPrefix)
	}
}

var hostileUsageCSV = config.Source{Name: "events", Kind: KindUsage, Format: FormatCSV, Account: "acct-1"}

func TestCSVHeaderTooLong(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 16 MiB file")
	}
	path := writeInput(t, "wide.csv", "event_id,\""+strings.Repeat("x", maxCSVRecordBytes)+"\"\ne1\n")
	_, n, err := readFile(t, hostileUsageCSV, path)
	if err == nil || !strings.Contains(err.Error(), "header is longer than the 16777216-byte limit") {
		t.Errorf("error %v, want the header named as longer than the limit", err)
	}
	if n != 0 {
		t.Errorf("%d records read, want 0", n)
	}
}

// writeHugeCSVFile writes a header, a valid row, a row whose quoted field
// opens and runs for size bytes of short lines, and another valid row
// after the field closes.
func writeHugeCSVFile(t *testing.T, size int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "huge.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("event_id,occurred_at,event_type\ne1,2026-07-01T10:00:00Z,case_opened\nhuge,\"")
	block := strings.Repeat("abcdefghijklmno\n", 1<<16)
	for n := 0; n < size; n += len(block) {
		w.WriteString(block)
	}
	w.WriteString("\",case_opened\ne2,2026-07-01T10:00:00Z,case_opened\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHugeCSVRecordProcess is the child of TestHugeCSVRecordQuarantined:
// it reads the file named by EP_HUGE_CSV_FILE and prints its counts and
// peak resident memory (VmHWM).
func TestHugeCSVRecordProcess(t *testing.T) {
	file := os.Getenv("EP_HUGE_CSV_FILE")
	if file == "" {
		t.Skip("runs only as the child of TestHugeCSVRecordQuarantined")
	}
	r, err := New(hostileUsageCSV)
	if err != nil {
		t.Fatal(err)
	}
	sink := &countSink{}
	n, err := r.Read(context.Background(), file, sink)
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	hwm := ""
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = strings.TrimSpace(strings.TrimSuffix(rest, "kB"))
		}
	}
	fmt.Printf("RESULT %d %d %d %s %s\n", n, sink.facts, sink.rejects, hwm, strings.Join(sink.reasons, "|"))
}

func TestHugeCSVRecordQuarantined(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 300 MB file")
	}
	file := writeHugeCSVFile(t, hugeLineBytes)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHugeCSVRecordProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "EP_HUGE_CSV_FILE="+file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var records, facts, rejects, hwmKB int64
	var reasons string
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "RESULT "); ok {
			fields := strings.SplitN(rest, " ", 5)
			records, _ = strconv.ParseInt(fields[0], 10, 64)
			facts, _ = strconv.ParseInt(fields[1], 10, 64)
			rejects, _ = strconv.ParseInt(fields[2], 10, 64)
			hwmKB, _ = strconv.ParseInt(fields[3], 10, 64)
			reasons = fields[4]
		}
	}
	if records != 3 || facts != 2 || rejects != 1 {
		t.Fatalf("records %d facts %d rejects %d, want 3, 2 and 1\n%s", records, facts, rejects, out)
	}
	if !strings.Contains(reasons, "longer than the 16777216-byte limit of a CSV record") {
		t.Errorf("reject reason = %q, want the record limit named", reasons)
	}
	t.Logf("peak resident memory reading a %d MiB record: %d MiB", hugeLineBytes>>20, hwmKB>>10)
	// The reader holds at most maxCSVRecordBytes of the record, in buffers
	// that double up to that size, plus the runtime: far below the record.
	if limit := int64(128 << 10); hwmKB == 0 || hwmKB > limit {
		t.Errorf("peak resident memory %d KiB, want above 0 and at most %d KiB", hwmKB, limit)
	}
}
