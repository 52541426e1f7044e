package warehouse

import (
	"fmt"
	"time"
)

// Limits of one BigQuery load job, from the "Load jobs" table of
// https://docs.cloud.google.com/bigquery/quotas: at most 10,000 source
// URIs in the job configuration and 15 TB across all input files. The
// page does not say whether a TB is 10^12 or 2^40 bytes, so the smaller
// reading is used.
const (
	maxLoadJobURIs  = 10_000
	maxLoadJobBytes = 15_000_000_000_000
)

// checkLoadLimits fails before any upload or load job when the load of
// one partition would exceed a limit of a single load job. A partition is
// never split across jobs, because each job truncates its partition.
// With a staging bucket (staged true) every file is one source URI of the
// job. Without one, the files are merged into one file that travels with
// the request, so only the byte limit applies.
func checkLoadLimits(loads []partitionLoad, staged bool) error {
	for _, p := range loads {
		if staged && len(p.files) > maxLoadJobURIs {
			return fmt.Errorf("partition %s of %s has %d Parquet files (one per source and shard), above the %d source URIs "+
				"that one BigQuery load job accepts, so run the window with fewer shards",
				p.date.Format(time.DateOnly), p.table, len(p.files), maxLoadJobURIs)
		}
		if p.bytes > maxLoadJobBytes {
			return fmt.Errorf("partition %s of %s has %d bytes of Parquet, above the %d bytes (15 TB) that one BigQuery load job accepts",
				p.date.Format(time.DateOnly), p.table, p.bytes, int64(maxLoadJobBytes))
		}
	}
	return nil
}
