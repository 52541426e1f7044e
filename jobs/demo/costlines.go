package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Service names of the fictional cloud provider.
const (
	providerName       = "Nimbus Cloud"
	serviceModels      = "Nimbus Generative AI API"
	serviceCompute     = "Nimbus Compute Engine"
	serviceLogging     = "Nimbus Cloud Logging"
	categoryAI         = "AI and Machine Learning"
	categoryCompute    = "Compute"
	categoryManagement = "Management and Governance"
)

// accountDayRows returns the inference and compute lines of one account
// and day. Token use follows the number of cases opened that day.
func accountDayRows(r *rand.Rand, a *account, day time.Time, cases int) []*costRow {
	b := billingFor(a)
	inTokens := int64(cases*intBetween(r, 6_000, 14_000) + intBetween(r, 15_000, 25_000))
	outTokens := int64(cases*intBetween(r, 700, 2_000) + intBetween(r, 2_000, 4_000))
	input := usageRow(a, b, day, "gen-large-input-tokens", serviceModels, categoryAI, inTokens, "Tokens", b.InputTokenPrice)
	input.Description = "Input tokens, large generation model"
	output := usageRow(a, b, day, "gen-large-output-tokens", serviceModels, categoryAI, outTokens, "Tokens", b.OutputTokenPrice)
	output.Description = "Output tokens, large generation model"
	hours := int64(24 * (1 + int(a.DailyCases)/8))
	compute := usageRow(a, b, day, "n2-standard-8", serviceCompute, categoryCompute, hours, "Hours", b.ComputeHourPrice)
	compute.Description = "N2 standard 8 vCPU instance hours"
	compute.Zone = b.Zone
	compute.ResourceID = fmt.Sprintf("instances/%s-worker", a.ID)
	if a.Covered {
		compute.Billed = 0
		compute.Effective = compute.List * (100 - commitmentDiscountPercent) / 100
		compute.Commitment = b.CommitmentID
		compute.CommitmentStatus = "Used"
	}
	return []*costRow{input, output, compute}
}

// usageRow returns a usage line of quantity units at unitPrice.
func usageRow(a *account, b *billingAccount, day time.Time, sku, service, category string, quantity int64, unit string, unitPrice int64) *costRow {
	cost := quantity * unitPrice
	return &costRow{
		Billing: b, SubAccountID: accountSubAccount(a, b), Tags: accountTags(a),
		Category: "Usage", Frequency: "Usage-Based",
		Start: day, End: day.AddDate(0, 0, 1),
		Service: service, ServiceCategory: category, SKU: sku,
		Quantity: strconv.FormatInt(quantity, 10), Unit: unit, UnitPrice: unitPrice,
		Billed: cost, Effective: cost, List: cost,
	}
}

// sharedLogRow returns the platform logging line of a billing account,
// which carries no customer tag and so stays unattributed.
func sharedLogRow(r *rand.Rand, b *billingAccount, day time.Time) *costRow {
	milliGiB := int64(intBetween(r, 8_000, 30_000))
	cost := milliGiB * b.LogGiBPrice / 1000
	tags := `{"env":"prod","team":"platform"}`
	if day.Day()%3 == 0 {
		tags = ""
	}
	return &costRow{
		Billing: b, SubAccountID: b.SharedSubAccount, Tags: tags,
		Category: "Usage", Frequency: "Usage-Based", Description: "Log ingestion, shared platform",
		Start: day, End: day.AddDate(0, 0, 1),
		Service: serviceLogging, ServiceCategory: categoryManagement, SKU: "log-ingestion-gib",
		Quantity: formatMilli(milliGiB), Unit: "GiB", UnitPrice: b.LogGiBPrice,
		Billed: cost, Effective: cost, List: cost,
	}
}

// creditRow returns a promotional credit of 5 to 15 percent of the
// account's month spend, rounded to cents. The first four accounts get
// one every month and the others in about a quarter of the months.
func creditRow(r *rand.Rand, a *account, m month, spend int64) *costRow {
	roll := r.Float64()
	percent := int64(intBetween(r, 5, 15))
	if spend <= 0 || (a.Number > 4 && roll >= 0.25) {
		return nil
	}
	credit := -(spend * percent / 100 / unitsPerCent * unitsPerCent)
	b := billingFor(a)
	return &costRow{
		Billing: b, SubAccountID: accountSubAccount(a, b), Tags: accountTags(a),
		Category: "Credit", Frequency: "One-Time",
		Description: fmt.Sprintf("Promotional credit, %d%% of usage", percent),
		Start:       m.start, End: m.end(), Service: serviceModels, ServiceCategory: categoryAI,
		Billed: credit, Effective: credit,
	}
}

// purchaseRow returns the monthly fee of the compute commitment. Its
// billed cost equals the effective cost of the usage lines it covered.
func purchaseRow(b *billingAccount, m month, covered int64) *costRow {
	return &costRow{
		Billing: b, SubAccountID: b.SharedSubAccount,
		Category: "Purchase", Frequency: "Recurring",
		Description: "Committed use discount, compute, 1 year, monthly fee",
		Start:       m.start, End: m.end(), Service: serviceCompute, ServiceCategory: categoryCompute,
		SKU: "commitment-compute-1y", Billed: covered, List: covered,
		Commitment: b.CommitmentID, ResourceID: b.CommitmentID,
	}
}

// taxRow returns the month's tax on the billed total, rounded to cents.
func taxRow(b *billingAccount, m month, billed int64) *costRow {
	tax := (billed*b.TaxPercent/100 + unitsPerCent/2) / unitsPerCent * unitsPerCent
	return &costRow{
		Billing: b, SubAccountID: b.SharedSubAccount,
		Category: "Tax", Frequency: "One-Time",
		Description: fmt.Sprintf("%s %d%%", b.TaxName, b.TaxPercent),
		Start:       m.start, End: m.end(), Billed: tax, Effective: tax,
	}
}

// accountSubAccount returns the account's mapped sub-account, or the
// billing account's sub-account of tagged lines.
func accountSubAccount(a *account, b *billingAccount) string {
	if a.SubAccount != "" {
		return a.SubAccount
	}
	return b.TaggedSubAccount
}

// accountTags returns the Tags JSON of an account's lines. Lines in a
// mapped sub-account carry no customer tag.
func accountTags(a *account) string {
	if a.SubAccount != "" {
		return `{"env":"prod"}`
	}
	return `{"customer":"` + a.ID + `","env":"prod"}`
}

func hasCustomerTag(tags string) bool {
	return strings.Contains(tags, `"customer":`)
}

// formatUnits writes an amount in 10⁻¹⁰ units with ten fractional digits.
func formatUnits(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%0*d", sign, v/unitsPerUnit, unitDigits, v%unitsPerUnit)
}

// formatMilli writes thousandths as decimal text such as 12.375.
func formatMilli(v int64) string {
	return fmt.Sprintf("%d.%03d", v/1000, v%1000)
}
