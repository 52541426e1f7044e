package run

import (
	"context"
	"fmt"
	"path/filepath"

	"evidencepack/config"
	"evidencepack/transforms"
)

// sourceSink routes one source's records: facts to the collector of its
// table, rejects to its quarantine file.
type sourceSink struct {
	table      string
	collector  *transforms.Collector
	quarantine *transforms.QuarantineWriter
	guard      *privacyGuard
	seen       int64
}

// Fact passes f through the privacy guard, the one place every fact of a
// run goes through, and then to the collector.
func (s *sourceSink) Fact(f transforms.Fact) error {
	if f.Table() != s.table {
		return fmt.Errorf("reader produced a %s row for a %s source", f.Table(), s.table)
	}
	switch outcome, rej := s.guard.apply(f); outcome {
	case guardNotAllowed:
		s.seen++
		s.collector.AddNotAllowed(f.Origin().Source)
		return nil
	case guardReject:
		return s.Reject(rej)
	}
	s.seen++
	s.collector.Add(f)
	return nil
}

func (s *sourceSink) Reject(r transforms.Reject) error {
	s.seen++
	s.collector.AddReject(r)
	return s.quarantine.Write(r)
}

// extractSource reads every input file of one source into the collector of
// its table and returns the files it read.
func (r *runner) extractSource(ctx context.Context, src config.Source) error {
	log := r.log.With("source", src.Name)
	table, err := transforms.TableOfKind(src.Kind)
	if err != nil {
		return stepErr("extract", config.ErrInvalid, err)
	}
	qname := r.window() + ".csv"
	if r.shard.enabled() {
		qname = fmt.Sprintf("%s-%dof%d.csv", r.window(), r.shard.Index, r.shard.Count)
	}
	qpath := filepath.Join(r.outDir, "quarantine", src.Name, qname)
	q, err := transforms.NewQuarantineWriter(qpath)
	if err != nil {
		return stepErr("extract", ErrOutput, err)
	}
	defer q.Abort()
	if src.Replace == config.ReplaceInputDates {
		r.collector(table).KeepAllDates(src.Name)
	}
	guard, err := r.newPrivacyGuard(src)
	if err != nil {
		return stepErr("extract", config.ErrInvalid, err)
	}
	sink := &sourceSink{table: table, collector: r.collector(table), quarantine: q, guard: guard}
	if err := r.readSource(ctx, src, sink, log); err != nil {
		return err
	}
	if err := q.Commit(); err != nil {
		return stepErr("extract", ErrOutput, err)
	}
	r.manifest.Sources[src.Name] = &SourceStats{Kind: src.Kind, Table: table, QuarantineFile: qpath,
		Redactions: guard.redactions}
	return nil
}
