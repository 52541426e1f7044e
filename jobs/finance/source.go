package finance

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/jobs/run"
	"evidencepack/transforms"
)

// totalKey identifies one total of a reconciliation.
type totalKey struct {
	AccountID string
	Currency  string
}

// amounts are the sums of one account and currency.
type amounts struct {
	Lines      int64
	BilledCost decimal.Decimal
	Credits    decimal.Decimal // billed cost of lines whose charge category is Credit
}

func (a *amounts) add(billed decimal.Decimal, category string) {
	a.Lines++
	a.BilledCost = a.BilledCost.Add(billed)
	if strings.EqualFold(category, "Credit") {
		a.Credits = a.Credits.Add(billed)
	}
}

// sourceTotals are the totals read from the cost source files, with the
// records the readers rejected.
type sourceTotals struct {
	sums     map[totalKey]*amounts
	rejected map[string]int64 // rejected records per source
	// rejects are the first maxKeptRejects rejected records, in the order
	// read.
	rejects []transforms.Reject
	// notAllowed sums, per currency, the lines of accounts outside
	// accounts_allow, which a run drops and which are in neither total.
	notAllowed map[string]*amounts
	files      []string
}

// readSourceTotals re-reads the files of every costs source of the config
// that a run over the period would read, and sums the billed cost of the
// lines whose charge period starts in the period. It does not touch the
// Parquet facts or the warehouse.
//
// NOTE: every accepted line is summed, also a line byte-identical to
// another. The run removes such a line as a duplicate, so it shows up as a
// difference.
func readSourceTotals(ctx context.Context, cfg *config.Config, p Period) (*sourceTotals, error) {
	totals := &sourceTotals{sums: map[totalKey]*amounts{}, rejected: map[string]int64{},
		notAllowed: map[string]*amounts{}}
	for _, src := range cfg.Sources {
		if src.Kind != extract.KindCosts {
			continue
		}
		if err := totals.readSource(ctx, cfg, src, p); err != nil {
			return nil, err
		}
	}
	return totals, nil
}

func (s *sourceTotals) readSource(ctx context.Context, cfg *config.Config, src config.Source, p Period) error {
	reader, err := extract.New(src)
	if err != nil {
		return fmt.Errorf("source %s: %w", src.Name, err)
	}
	files, err := run.ResolveInputs(cfg, src, p.Start, p.LastDay())
	if err != nil {
		return fmt.Errorf("%w: %w", run.ErrInput, err)
	}
	sink := &sumSink{totals: s, period: p, source: src.Name, cfg: cfg}
	for _, file := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := reader.Read(ctx, file, sink); err != nil {
			return fmt.Errorf("%w: source %s: %w", run.ErrInput, src.Name, err)
		}
		s.files = append(s.files, file)
	}
	return nil
}

// sumSink adds each cost line of the period to the totals.
type sumSink struct {
	totals *sourceTotals
	period Period
	source string
	cfg    *config.Config
}

func (s *sumSink) Fact(f transforms.Fact) error {
	line, ok := f.(*transforms.CostLine)
	if !ok {
		return fmt.Errorf("source %s: reader produced a %s row, expected cost lines", s.source, f.Table())
	}
	if !s.period.Contains(line.ChargePeriodStart) {
		return nil
	}
	billed := transforms.DecimalFromNum(line.BilledCost, transforms.MoneyScale)
	if line.AccountID != transforms.Unattributed && !s.cfg.AccountAllowed(line.AccountID) {
		amountsOf(s.totals.notAllowed, line.Currency).add(billed, line.ChargeCategory)
		return nil
	}
	key := totalKey{AccountID: line.AccountID, Currency: line.Currency}
	sum := s.totals.sums[key]
	if sum == nil {
		sum = &amounts{}
		s.totals.sums[key] = sum
	}
	sum.add(billed, line.ChargeCategory)
	return nil
}

func (s *sumSink) Reject(r transforms.Reject) error {
	s.totals.rejected[s.source]++
	if len(s.totals.rejects) < maxKeptRejects {
		r.Source = s.source
		s.totals.rejects = append(s.totals.rejects, r)
	}
	return nil
}

// maxKeptRejects caps the rejected records kept in memory and written to
// the period's rejected.csv. The counts per source include every reject.
const maxKeptRejects = 100_000

func amountsOf(m map[string]*amounts, currency string) *amounts {
	a := m[currency]
	if a == nil {
		a = &amounts{}
		m[currency] = a
	}
	return a
}
