package bqfake

import (
	"sort"
	"strings"

	bq "google.golang.org/api/bigquery/v2"
)

// Load is one successful load job whose rows a table contains now.
type Load struct {
	JobID string
	// Partition is the YYYYMMDD of a table$YYYYMMDD destination, empty
	// for a load into the whole table.
	Partition string
	// Format is the job's sourceFormat, such as PARQUET or
	// NEWLINE_DELIMITED_JSON.
	Format string
	// Media is the uploaded file. It is nil for a load from Cloud Storage
	// URIs, whose objects the fake cannot read.
	Media      []byte
	SourceURIs []string
}

// Loaded returns the loads that make up the rows of a table now, oldest
// first, applied as BigQuery applies them. A WRITE_TRUNCATE load into a
// partition replaces the earlier loads of that partition, and one into
// the whole table replaces every earlier load. Other loads append. A
// deleted partition or table drops its loads, and failed jobs change
// nothing.
func (s *Server) Loaded(dataset, table string) []Load {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Load(nil), s.contents[dataset+"."+table]...)
}

// applyLoad records a successful load job in the contents of its
// destination table. The caller holds s.mu.
func (s *Server) applyLoad(job *bq.Job, media []byte) {
	if job.Configuration == nil || job.Configuration.Load == nil {
		return
	}
	l := job.Configuration.Load
	if l.DestinationTable == nil {
		return
	}
	table, partition, _ := strings.Cut(l.DestinationTable.TableId, "$")
	key := l.DestinationTable.DatasetId + "." + table
	load := Load{JobID: job.JobReference.JobId, Partition: partition, Format: l.SourceFormat,
		Media: media, SourceURIs: l.SourceUris}
	if l.WriteDisposition == "WRITE_TRUNCATE" {
		s.contents[key] = dropLoads(s.contents[key], partition)
	}
	s.contents[key] = append(s.contents[key], load)
}

// dropPartition removes the loads of a deleted partition or, with an
// empty partition, of the whole table. The caller holds s.mu.
func (s *Server) dropPartition(dataset, table, partition string) {
	key := dataset + "." + table
	s.contents[key] = dropLoads(s.contents[key], partition)
}

// dropLoads returns the loads without those of partition, or none when
// partition is empty.
func dropLoads(loads []Load, partition string) []Load {
	if partition == "" {
		return nil
	}
	var kept []Load
	for _, l := range loads {
		if l.Partition != partition {
			kept = append(kept, l)
		}
	}
	return kept
}

// TableNames returns the names of the tables of a dataset, sorted.
func (s *Server) TableNames(dataset string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for key := range s.tables {
		if ds, table, ok := strings.Cut(key, "."); ok && ds == dataset {
			names = append(names, table)
		}
	}
	sort.Strings(names)
	return names
}
