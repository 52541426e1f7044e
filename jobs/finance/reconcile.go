package finance

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"evidencepack/config"
	"evidencepack/jobs/run"
	"evidencepack/transforms"
)

// ErrDifference marks a reconciliation in which a loaded total differs
// from its source total.
var ErrDifference = errors.New("loaded cost totals differ from the cost source files")

// AllAccounts is the account_id of the per-currency total rows of a
// report.
const AllAccounts = "(all accounts)"

// Row is the reconciliation of one account and currency, or, with
// AccountID AllAccounts, of every account in one currency.
type Row struct {
	AccountID    string
	Currency     string
	SourceLines  int64
	LoadedLines  int64
	SourceBilled decimal.Decimal // billed cost summed from the source files
	LoadedBilled decimal.Decimal // billed cost summed from cost_lines
	Attributed   decimal.Decimal // source billed cost attributed to a customer account
	Unattributed decimal.Decimal // source billed cost under the account unattributed
	Credits      decimal.Decimal // source billed cost of Credit lines
	Difference   decimal.Decimal // LoadedBilled - SourceBilled
}

// Report is the reconciliation of one period.
type Report struct {
	Period Period
	Rows   []Row
	// Rejected counts, per source, the records of the files read that the
	// reader rejected, whatever their date. They are in neither total.
	Rejected map[string]int64
	// Rejects are the rejected records with their file, record number,
	// field and reason, up to maxKeptRejects of them.
	Rejects []transforms.Reject
	// RejectedCSV is the file Run wrote the rejects to, empty before
	// that or when there are none.
	RejectedCSV string
	// NotAllowed sums, per currency, the source lines of accounts outside
	// accounts_allow. A run drops them, so they are in neither total.
	NotAllowed map[string]*amounts
	Files      []string
}

// Differences returns the rows whose difference is not zero.
func (r *Report) Differences() []Row {
	var out []Row
	for _, row := range r.Rows {
		if !row.Difference.IsZero() {
			out = append(out, row)
		}
	}
	return out
}

// Reconcile compares, per account and currency, the billed cost of the
// cost source files with the billed cost loaded into the warehouse, for
// the lines whose charge period starts in the period.
func Reconcile(ctx context.Context, cfg *config.Config, store Store, p Period) (*Report, error) {
	source, err := readSourceTotals(ctx, cfg, p)
	if err != nil {
		return nil, err
	}
	loaded, err := readLoadedTotals(ctx, store, p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", run.ErrWarehouse, err)
	}
	return newReport(p, source, loaded), nil
}

func newReport(p Period, source *sourceTotals, loaded map[totalKey]*amounts) *Report {
	return &Report{Period: p, Rows: compareTotals(source.sums, loaded), Rejected: source.rejected,
		Rejects: source.rejects, NotAllowed: source.notAllowed, Files: source.files}
}

// compareTotals builds one row per account and currency found on either
// side, sorted by currency and account, each currency followed by its
// total row.
func compareTotals(source, loaded map[totalKey]*amounts) []Row {
	keys := map[totalKey]bool{}
	for k := range source {
		keys[k] = true
	}
	for k := range loaded {
		keys[k] = true
	}
	sorted := make([]totalKey, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.SortFunc(sorted, func(a, b totalKey) int {
		return cmp.Or(cmp.Compare(a.Currency, b.Currency), cmp.Compare(a.AccountID, b.AccountID))
	})
	var rows []Row
	for i, k := range sorted {
		row := accountRow(k, source[k], loaded[k])
		rows = append(rows, row)
		if i == len(sorted)-1 || sorted[i+1].Currency != k.Currency {
			rows = append(rows, currencyTotal(rows, k.Currency))
		}
	}
	return rows
}

func accountRow(k totalKey, source, loaded *amounts) Row {
	if source == nil {
		source = &amounts{}
	}
	if loaded == nil {
		loaded = &amounts{}
	}
	row := Row{
		AccountID: k.AccountID, Currency: k.Currency,
		SourceLines: source.Lines, LoadedLines: loaded.Lines,
		SourceBilled: source.BilledCost, LoadedBilled: loaded.BilledCost,
		Credits:    source.Credits,
		Difference: loaded.BilledCost.Sub(source.BilledCost),
	}
	if k.AccountID == transforms.Unattributed {
		row.Unattributed = source.BilledCost
	} else {
		row.Attributed = source.BilledCost
	}
	return row
}

// currencyTotal sums the account rows of a currency.
func currencyTotal(rows []Row, currency string) Row {
	total := Row{AccountID: AllAccounts, Currency: currency}
	for _, r := range rows {
		if r.Currency != currency || r.AccountID == AllAccounts {
			continue
		}
		total.SourceLines += r.SourceLines
		total.LoadedLines += r.LoadedLines
		total.SourceBilled = total.SourceBilled.Add(r.SourceBilled)
		total.LoadedBilled = total.LoadedBilled.Add(r.LoadedBilled)
		total.Attributed = total.Attributed.Add(r.Attributed)
		total.Unattributed = total.Unattributed.Add(r.Unattributed)
		total.Credits = total.Credits.Add(r.Credits)
	}
	total.Difference = total.LoadedBilled.Sub(total.SourceBilled)
	return total
}
