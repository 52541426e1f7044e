package extract

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"evidencepack/config"
	"evidencepack/transforms"
)

// hugeLineBytes is the length of the over-long line in the memory test.
const hugeLineBytes = 300 << 20

var hostileUsage = config.Source{Name: "events", Kind: KindUsage, Format: FormatJSONL, Account: "acct-1"}

const validEvent = `{"event_id": "e%d", "event_type": "case_opened", "occurred_at": "2026-07-01T10:00:00Z"}` + "\n"

// countSink counts outcomes without keeping them, so the memory test
// measures the reader alone.
type countSink struct {
	facts, rejects int64
	reasons        []string
}

func (s *countSink) Fact(transforms.Fact) error { s.facts++; return nil }

func (s *countSink) Reject(r transforms.Reject) error {
	s.rejects++
	s.reasons = append(s.reasons, r.Reason)
	return nil
}

// writeHugeLineFile writes a valid event, one JSON line of size bytes and
// another valid event, streaming so the test itself stays small.
func writeHugeLineFile(t *testing.T, size int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "huge.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(strings.Replace(validEvent, "%d", "1", 1))
	head := `{"event_id": "huge", "pad": "`
	w.WriteString(head)
	block := strings.Repeat("a", 1<<20)
	for n := len(head) + 2; n < size; n += len(block) {
		w.WriteString(block[:min(len(block), size-n)])
	}
	w.WriteString("\"}\n")
	w.WriteString(strings.Replace(validEvent, "%d", "2", 1))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHugeLineReaderProcess is the child of TestHugeJSONLineQuarantined:
// it reads the file named by EP_HUGE_LINE_FILE and prints its counts and
// peak resident memory (VmHWM).
func TestHugeLineReaderProcess(t *testing.T) {
	file := os.Getenv("EP_HUGE_LINE_FILE")
	if file == "" {
		t.Skip("runs only as the child of TestHugeJSONLineQuarantined")
	}
	r, err := New(hostileUsage)
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
		if strings.HasPrefix(line, "VmHWM:") {
			hwm = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB"))
		}
	}
	os.Stdout.WriteString("RESULT " + strconv.FormatInt(n, 10) + " " + strconv.FormatInt(sink.facts, 10) +
		" " + strconv.FormatInt(sink.rejects, 10) + " " + hwm + " " + strings.Join(sink.reasons, "|") + "\n")
}

func TestHugeJSONLineQuarantined(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 300 MB file")
	}
	file := writeHugeLineFile(t, hugeLineBytes)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHugeLineReaderProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "EP_HUGE_LINE_FILE="+file)
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
	if !strings.Contains(reasons, "longer than the 16777216-byte limit") {
		t.Errorf("reject reason = %q, want the line limit named", reasons)
	}
	t.Logf("peak resident memory reading a %d MiB line: %d MiB", hugeLineBytes>>20, hwmKB>>10)
	// The reader holds up to MaxLineBytes of a line (with append growth, about
	// twice that in allocations) plus the runtime, far below the line itself.
	if limit := int64(128 << 10); hwmKB == 0 || hwmKB > limit {
		t.Errorf("peak resident memory %d KiB, want above 0 and at most %d KiB", hwmKB, limit)
	}
}

func TestLineLimitBoundary(t *testing.T) {
	lr := &lineReader{br: bufio.NewReaderSize(strings.NewReader("abcd\nabcde\nab"), 16), max: 4}
	want := []struct {
		line    string
		tooLong bool
	}{{"abcd\n", false}, {"abcde\n", true}, {"ab", false}}
	for i, w := range want {
		line, _, tooLong, _ := lr.next()
		if string(line) != w.line || tooLong != w.tooLong {
			t.Errorf("line %d = %q tooLong %v, want %q and %v", i, line, tooLong, w.line, w.tooLong)
		}
	}
}

func TestDeeplyNestedJSONLineQuarantined(t *testing.T) {
	nested := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	body := strings.Replace(validEvent, "%d", "1", 1) +
		`{"event_id": "deep", "pad": ` + nested + "}\n" +
		strings.Replace(validEvent, "%d", "2", 1)
	sink := &countSink{}
	r, err := New(hostileUsage)
	if err != nil {
		t.Fatal(err)
	}
	n, err := r.Read(context.Background(), writeInput(t, "deep.jsonl", body), sink)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if n != 3 || sink.facts != 2 || sink.rejects != 1 {
		t.Fatalf("records %d facts %d rejects %d, want 3, 2 and 1", n, sink.facts, sink.rejects)
	}
	if !strings.Contains(sink.reasons[0], "exceeded max depth") {
		t.Errorf("reason = %q, want the depth limit named", sink.reasons[0])
	}
}

func TestDeeplyNestedJSONFileFails(t *testing.T) {
	src := config.Source{Name: "events", Kind: KindUsage, Format: FormatSegment, Account: "acct-1"}
	nested := "[" + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "]"
	r, err := New(src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Read(context.Background(), writeInput(t, "deep.json", nested), &countSink{})
	if err == nil || !strings.Contains(err.Error(), "exceeded max depth") {
		t.Errorf("Read error = %v, want the depth limit named", err)
	}
}
