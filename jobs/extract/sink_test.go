package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"evidencepack/config"
	"evidencepack/transforms"
)

// testSink collects the facts and rejects that a reader reports.
type testSink struct {
	facts   []transforms.Fact
	rejects []transforms.Reject
}

func (s *testSink) Fact(f transforms.Fact) error {
	s.facts = append(s.facts, f)
	return nil
}

func (s *testSink) Reject(r transforms.Reject) error {
	s.rejects = append(s.rejects, r)
	return nil
}

// readFile runs the reader of src on file and checks that every record was
// reported exactly once.
func readFile(t *testing.T, src config.Source, file string) (*testSink, int64, error) {
	t.Helper()
	r, err := New(src)
	if err != nil {
		t.Fatalf("New(%s): %v", src.Format, err)
	}
	sink := &testSink{}
	n, err := r.Read(context.Background(), file, sink)
	if got := int64(len(sink.facts) + len(sink.rejects)); got != n {
		t.Errorf("%s: records = %d, facts + rejects = %d", file, n, got)
	}
	return sink, n, err
}

// mustRead is readFile for files that must be readable.
func mustRead(t *testing.T, src config.Source, file string) (*testSink, int64) {
	t.Helper()
	sink, n, err := readFile(t, src, file)
	if err != nil {
		t.Fatalf("Read(%s): %v", file, err)
	}
	return sink, n
}

// realData returns the path of a file under the shared real sample inputs,
// skipping the test when they are not present.
func realData(t *testing.T, rel string) string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(self), "..", "..", "..", "shared", "realdata", rel)
	if !exists(path) {
		t.Skip(rel + ": ../shared/realdata not present")
	}
	return path
}

func rejectReasons(s *testSink) string {
	var reasons []string
	for _, r := range s.rejects {
		reasons = append(reasons, r.Error())
	}
	return strings.Join(reasons, "\n")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// stopSink fails on every fact, as a sink whose disk is full would.
type stopSink struct{ testSink }

func (s *stopSink) Fact(transforms.Fact) error { return errors.New("disk full") }
