package run

import (
	"context"
	"fmt"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// SourceCheck is what validation found in one source.
type SourceCheck struct {
	Source  string
	Files   int
	Counts  transforms.Counts
	Samples []transforms.Reject // the first rejects, at most MaxSamples
}

// MaxSamples bounds the rejects kept per source by Validate.
const MaxSamples = 5

type checkSink struct {
	table string
	check *SourceCheck
	seen  int64
}

func (s *checkSink) Fact(f transforms.Fact) error {
	if f.Table() != s.table {
		return fmt.Errorf("reader produced a %s row for a %s source", f.Table(), s.table)
	}
	s.seen++
	s.check.Counts.Records++
	s.check.Counts.Facts++
	return nil
}

func (s *checkSink) Reject(r transforms.Reject) error {
	s.seen++
	s.check.Counts.Records++
	s.check.Counts.Rejected++
	if len(s.check.Samples) < MaxSamples {
		s.check.Samples = append(s.check.Samples, r)
	}
	return nil
}

// Validate reads every source of the window without writing anything and
// reports the records each would load or quarantine. Duplicates are not
// removed, so Facts counts rows before deduplication.
func Validate(ctx context.Context, cfg *config.Config, from, to time.Time) ([]SourceCheck, error) {
	var checks []SourceCheck
	for _, src := range cfg.Sources {
		c, err := validateSource(ctx, cfg, src, dateOnly(from), dateOnly(to))
		if err != nil {
			return checks, err
		}
		checks = append(checks, c)
	}
	return checks, nil
}

func validateSource(ctx context.Context, cfg *config.Config, src config.Source, from, to time.Time) (SourceCheck, error) {
	check := SourceCheck{Source: src.Name}
	table, err := transforms.TableOfKind(src.Kind)
	if err != nil {
		return check, stepErr("validate", config.ErrInvalid, err)
	}
	reader, err := extract.New(src)
	if err != nil {
		return check, stepErr("validate", config.ErrInvalid, fmt.Errorf("source %s: %w", src.Name, err))
	}
	files, err := resolveInputs(cfg, src, from, to)
	if err != nil {
		return check, stepErr("validate", ErrInput, err)
	}
	check.Files = len(files)
	sink := &checkSink{table: table, check: &check}
	for _, f := range files {
		if _, err := reader.Read(ctx, f, sink); err != nil {
			return check, stepErr("validate", ErrInput, fmt.Errorf("source %s: %w", src.Name, err))
		}
	}
	return check, nil
}
