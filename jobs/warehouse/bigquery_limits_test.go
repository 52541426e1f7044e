package warehouse

import (
	"strings"
	"testing"
	"time"
)

func TestCheckLoadLimits(t *testing.T) {
	files := func(n int) []string { return make([]string, n) }
	date := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		load    partitionLoad
		staged  bool
		wantErr string
	}{
		{"staged at the URI limit", partitionLoad{files: files(maxLoadJobURIs)}, true, ""},
		{"staged above the URI limit", partitionLoad{files: files(maxLoadJobURIs + 1)}, true,
			"has 10001 Parquet files (one per source and shard), above the 10000 source URIs"},
		{"merged above the URI limit", partitionLoad{files: files(maxLoadJobURIs + 1)}, false, ""},
		{"at the byte limit", partitionLoad{files: files(1), bytes: maxLoadJobBytes}, true, ""},
		{"above the byte limit", partitionLoad{files: files(1), bytes: maxLoadJobBytes + 1}, false,
			"above the 15000000000000 bytes (15 TB)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.load.table, tc.load.date = "usage_events", date
			err := checkLoadLimits([]partitionLoad{tc.load}, tc.staged)
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), "partition 2026-07-01 of usage_events") {
				t.Errorf("error %q does not name the partition", err)
			}
		})
	}
}
