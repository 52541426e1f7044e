package extract

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"evidencepack/config"
)

// fixtureSources pairs each fixture with a source whose reader claims it.
func fixtureSources() map[string]config.Source {
	return map[string]config.Source{
		"focus_rows.csv":          focusSource(),
		"focus_bom_crlf.csv":      focusSource(),
		"segment_events.jsonl":    segmentSource(),
		"segment_batch.json":      segmentSource(),
		"labelstudio_export.json": labelStudioSource(),
		"pagerduty_list.json":     pagerDutySource(),
		"pagerduty_airbyte.jsonl": pagerDutySource(),
	}
}

// TestTruncatedInputs reads every prefix of each fixture, at a stride, and
// checks that no reader panics and that records still equal facts plus
// rejects.
func TestTruncatedInputs(t *testing.T) {
	dir := t.TempDir()
	for name, src := range fixtureSources() {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for cut := 0; cut < len(data); cut += 7 {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
				t.Fatal(err)
			}
			sink, n, err := readFile(t, src, path)
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("%s cut at %d: error %q does not name the file", name, cut, err)
			}
			if int64(len(sink.facts)+len(sink.rejects)) != n {
				t.Fatalf("%s cut at %d: records %d != facts + rejects", name, cut, n)
			}
		}
	}
}

func TestJSONFileNotJSON(t *testing.T) {
	_, _, err := readFile(t, segmentSource(), "testdata/focus_missing_columns.csv")
	if err == nil || !strings.Contains(err.Error(), "testdata/focus_missing_columns.csv") || !strings.Contains(err.Error(), "invalid JSON") {
		t.Errorf("error %v, want invalid JSON naming the file", err)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, src := range fixtureSources() {
		r, err := New(src)
		if err != nil {
			t.Fatal(err)
		}
		sink := &testSink{}
		n, err := r.Read(ctx, filepath.Join("testdata", name), sink)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: error %v, want context.Canceled", name, err)
		}
		if n != 0 || len(sink.facts)+len(sink.rejects) != 0 {
			t.Errorf("%s: %d records reported after cancellation", name, n)
		}
	}
}

func TestSinkErrorStopsRead(t *testing.T) {
	r, err := New(focusSource())
	if err != nil {
		t.Fatal(err)
	}
	sink := &stopSink{}
	_, err = r.Read(context.Background(), "testdata/focus_rows.csv", sink)
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "record 1") {
		t.Errorf("error %v, want the sink error with the record", err)
	}
}

// TestMutatedInputs overwrites random bytes of each fixture with bytes
// that JSON and CSV treat specially, and checks that no reader panics.
func TestMutatedInputs(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	special := []byte(`{}[]",:\0 9-.e` + "\n\r\xef\xbb\xbf")
	for name, src := range fixtureSources() {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for round := 0; round < 200; round++ {
			mutated := bytes.Clone(data)
			for k := 0; k < 1+rng.IntN(4); k++ {
				mutated[rng.IntN(len(mutated))] = special[rng.IntN(len(special))]
			}
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, mutated, 0o600); err != nil {
				t.Fatal(err)
			}
			readFile(t, src, path)
		}
	}
}
