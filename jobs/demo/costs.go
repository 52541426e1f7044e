package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Money is kept as integer counts of 10⁻¹⁰ currency units, so amounts are
// exact and carry up to ten fractional digits.
const (
	unitDigits   = 10
	unitsPerUnit = int64(10_000_000_000)
	unitsPerCent = unitsPerUnit / 100
)

// billingAccount is one cloud billing account, which bills in one currency.
type billingAccount struct {
	ID, Name, Currency string
	SharedSubAccount   string // platform sub-account of untagged shared lines
	TaggedSubAccount   string // sub-account of the customer-tagged lines
	CommitmentID       string
	TaxPercent         int64
	TaxName            string
	InputTokenPrice    int64 // per token
	OutputTokenPrice   int64 // per token
	ComputeHourPrice   int64 // per instance hour
	LogGiBPrice        int64 // per GiB ingested
	Region, Zone       string
}

var billingAccounts = []*billingAccount{
	{ID: "8112-4410-0021", Name: "Evidence Demo US", Currency: "USD",
		SharedSubAccount: "004417230900", TaggedSubAccount: "004417230910",
		CommitmentID: "commitments/cud-compute-usd-1y", TaxPercent: 7, TaxName: "Sales tax",
		InputTokenPrice: 31_250, OutputTokenPrice: 156_250,
		ComputeHourPrice: 4_217_000_000, LogGiBPrice: 5_000_000_000,
		Region: "us-east1", Zone: "us-east1-b"},
	{ID: "8112-4410-0034", Name: "Evidence Demo EU", Currency: "EUR",
		SharedSubAccount: "004417230920", TaggedSubAccount: "004417230921",
		CommitmentID: "commitments/cud-compute-eur-1y", TaxPercent: 19, TaxName: "Value added tax",
		InputTokenPrice: 28_750, OutputTokenPrice: 143_750,
		ComputeHourPrice: 3_893_000_000, LogGiBPrice: 4_600_000_000,
		Region: "europe-west3", Zone: "europe-west3-a"},
	{ID: "8112-4410-0047", Name: "Evidence Demo UK", Currency: "GBP",
		SharedSubAccount: "004417230930", TaggedSubAccount: "004417230931",
		CommitmentID: "commitments/cud-compute-gbp-1y", TaxPercent: 20, TaxName: "Value added tax",
		InputTokenPrice: 24_625, OutputTokenPrice: 123_125,
		ComputeHourPrice: 3_341_000_000, LogGiBPrice: 3_900_000_000,
		Region: "europe-west2", Zone: "europe-west2-c"},
}

// commitmentDiscountPercent is the discount of committed compute.
const commitmentDiscountPercent = 30

// costRow is one FOCUS cost line before it is written. Empty strings are
// NULL.
type costRow struct {
	Billing          *billingAccount
	SubAccountID     string
	Tags             string // JSON object, or empty for NULL
	Category         string // ChargeCategory
	Frequency        string // ChargeFrequency
	Description      string
	Start, End       time.Time
	Service          string
	ServiceCategory  string
	SKU              string
	Quantity         string // ConsumedQuantity and PricingQuantity as text
	Unit             string
	UnitPrice        int64 // ListUnitPrice, written as NULL when Quantity is empty
	Billed           int64
	Effective        int64
	List             int64
	Commitment       string
	CommitmentStatus string
	ResourceID       string
	Zone             string
}

// costMonth collects the lines of one month and the sums the monthly
// lines are computed from.
type costMonth struct {
	rows    []*costRow
	covered map[*billingAccount]int64 // effective cost covered by commitments
	billed  map[*billingAccount]int64
	perAcct map[*account]int64 // billed cost per account, the base of its credits
}

// writeCosts writes costs/focus-YYYY-MM.csv for every month but the last
// and costs/focus-YYYY-MM.parquet for the last one.
func (g *generator) writeCosts(ctx context.Context) error {
	r := g.rand(streamCosts)
	dayIndex := 0
	for i, m := range g.months {
		cm := g.costMonth(r, m, dayIndex)
		dayIndex += len(m.days)
		g.countCostDefects(cm.rows)
		rel := fmt.Sprintf("costs/focus-%s.csv", m.label())
		write := writeFocusCSV
		if i == len(g.months)-1 {
			rel = fmt.Sprintf("costs/focus-%s.parquet", m.label())
			write = writeFocusParquet
		}
		if err := write(ctx, g, rel, m, cm.rows); err != nil {
			return err
		}
	}
	return nil
}

// costMonth returns the daily and monthly lines of month m, whose first
// day has index firstDay in the range.
func (g *generator) costMonth(r *rand.Rand, m month, firstDay int) *costMonth {
	cm := &costMonth{covered: map[*billingAccount]int64{}, billed: map[*billingAccount]int64{}, perAcct: map[*account]int64{}}
	for k, day := range m.days {
		for _, a := range g.accounts {
			cases := g.sim.perDay[a][firstDay+k]
			for _, row := range accountDayRows(r, a, day, cases) {
				cm.add(row, a)
			}
		}
		for _, b := range billingAccounts {
			cm.add(sharedLogRow(r, b, day), nil)
		}
	}
	for _, a := range g.accounts {
		if row := creditRow(r, a, m, cm.perAcct[a]); row != nil {
			cm.add(row, a)
		}
	}
	for _, b := range billingAccounts {
		if cm.covered[b] > 0 {
			cm.add(purchaseRow(b, m, cm.covered[b]), nil)
		}
		if cm.billed[b] > 0 {
			cm.add(taxRow(b, m, cm.billed[b]), nil)
		}
	}
	return cm
}

// add keeps a row and updates the month's sums.
func (cm *costMonth) add(row *costRow, a *account) {
	cm.rows = append(cm.rows, row)
	cm.billed[row.Billing] += row.Billed
	if row.Commitment != "" && row.Category == "Usage" {
		cm.covered[row.Billing] += row.Effective
	}
	if a != nil {
		cm.perAcct[a] += row.Billed
	}
}

// countCostDefects counts the unattributed and credit lines.
func (g *generator) countCostDefects(rows []*costRow) {
	for _, row := range rows {
		if row.Billed < 0 {
			g.summary.Defects[DefectCredit]++
		}
		if !hasCustomerTag(row.Tags) && row.SubAccountID != subAccountNorthwind && row.SubAccountID != subAccountContoso {
			g.summary.Defects[DefectUntaggedCost]++
		}
	}
}

// billingFor returns the billing account of the account's currency.
func billingFor(a *account) *billingAccount {
	for _, b := range billingAccounts {
		if b.Currency == a.Currency {
			return b
		}
	}
	panic("demo: no billing account in " + a.Currency)
}
