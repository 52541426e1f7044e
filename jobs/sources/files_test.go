package sources

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"evidencepack/transforms"
)

// linesReader is an extract reader that emits one fact per letter of the
// file name, or fails for names that start with "bad".
type linesReader struct{ read *[]string }

func (l linesReader) Read(_ context.Context, file string, sink transforms.Sink) (int64, error) {
	*l.read = append(*l.read, "read "+file)
	if strings.HasPrefix(file, "bad") {
		return 0, errors.New("unreadable")
	}
	for range file {
		if err := sink.Fact(&transforms.UsageEvent{EventID: file}); err != nil {
			return 0, err
		}
	}
	return int64(len(file)), nil
}

type discardSink struct{}

func (discardSink) Fact(transforms.Fact) error     { return nil }
func (discardSink) Reject(transforms.Reject) error { return nil }

// TestFilesBeforeAndAfterEachFile checks the order of the hooks around
// each file and which error an extract returns.
func TestFilesBeforeAndAfterEachFile(t *testing.T) {
	afterFails := errors.New("hash failed")
	tests := []struct {
		name      string
		paths     []string
		failAfter string // file whose after hook fails
		wantCalls []string
		wantErr   string
		records   int64
	}{
		{
			name:      "every file",
			paths:     []string{"a", "bb"},
			wantCalls: []string{"before a", "read a", "after a", "before bb", "read bb", "after bb"},
			records:   3,
		},
		{
			name:      "after hook fails",
			paths:     []string{"a", "bb", "c"},
			failAfter: "bb",
			wantCalls: []string{"before a", "read a", "after a", "before bb", "read bb", "after bb"},
			wantErr:   "hash failed",
			records:   3,
		},
		{
			name:      "reader error wins over the after hook's",
			paths:     []string{"bad", "c"},
			failAfter: "bad",
			wantCalls: []string{"before bad", "read bad", "after bad"},
			wantErr:   "unreadable",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []string
			f := &Files{Name: "src", Reader: linesReader{read: &calls}, Paths: tt.paths,
				BeforeFile: func(_ context.Context, path string) (func() error, error) {
					calls = append(calls, "before "+path)
					return func() error {
						calls = append(calls, "after "+path)
						if path == tt.failAfter {
							return afterFails
						}
						return nil
					}, nil
				}}
			report, err := f.Extract(context.Background(), discardSink{})
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Extract error = %v, want %q", err, tt.wantErr)
			}
			if !slices.Equal(calls, tt.wantCalls) {
				t.Errorf("calls = %q, want %q", calls, tt.wantCalls)
			}
			if report.Records != tt.records {
				t.Errorf("records = %d, want %d", report.Records, tt.records)
			}
		})
	}
}
