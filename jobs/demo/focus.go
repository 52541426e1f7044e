package demo

import (
	"bufio"
	"context"
	"strings"
	"time"
)

// focusTimeLayout is the FOCUS timestamp form of the CSV exports: UTC
// without a zone designator.
const focusTimeLayout = "2006-01-02 15:04:05"

// cellKind is the written type of a FOCUS column: its CSV quoting and its
// Parquet type.
type cellKind int

const (
	kindText   cellKind = iota // quoted in CSV, string in Parquet
	kindNumber                 // bare in CSV, string in Parquet
	kindMoney                  // bare in CSV, decimal128(38,12) in Parquet
	kindTime                   // quoted in CSV, timestamp[us, UTC] in Parquet
)

// cell is one value of a FOCUS line.
type cell struct {
	null  bool
	text  string
	money int64 // 10⁻¹⁰ units
	time  time.Time
}

// focusColumn is one column of the FOCUS exports.
type focusColumn struct {
	name string
	kind cellKind
	get  func(row *costRow, m month) cell
}

func text(s string) cell        { return cell{null: s == "", text: s} }
func money(v int64) cell        { return cell{money: v} }
func timeCell(t time.Time) cell { return cell{time: t} }

// unitPrice returns the list unit price, NULL on lines without a quantity.
func unitPrice(row *costRow) cell {
	if row.Quantity == "" {
		return cell{null: true}
	}
	return money(row.UnitPrice)
}

// commitmentField returns s on lines with a commitment and NULL elsewhere.
func commitmentField(row *costRow, s string) cell {
	if row.Commitment == "" {
		return cell{null: true}
	}
	return text(s)
}

// focusColumns are the written FOCUS 1.2 columns, in alphabetical order as
// provider exports list them.
var focusColumns = []focusColumn{
	{"AvailabilityZone", kindText, func(r *costRow, _ month) cell { return text(r.Zone) }},
	{"BilledCost", kindMoney, func(r *costRow, _ month) cell { return money(r.Billed) }},
	{"BillingAccountId", kindText, func(r *costRow, _ month) cell { return text(r.Billing.ID) }},
	{"BillingAccountName", kindText, func(r *costRow, _ month) cell { return text(r.Billing.Name) }},
	{"BillingCurrency", kindText, func(r *costRow, _ month) cell { return text(r.Billing.Currency) }},
	{"BillingPeriodEnd", kindTime, func(_ *costRow, m month) cell { return timeCell(m.end()) }},
	{"BillingPeriodStart", kindTime, func(_ *costRow, m month) cell { return timeCell(m.start) }},
	{"ChargeCategory", kindText, func(r *costRow, _ month) cell { return text(r.Category) }},
	{"ChargeClass", kindText, func(*costRow, month) cell { return cell{null: true} }},
	{"ChargeDescription", kindText, func(r *costRow, _ month) cell { return text(r.Description) }},
	{"ChargeFrequency", kindText, func(r *costRow, _ month) cell { return text(r.Frequency) }},
	{"ChargePeriodEnd", kindTime, func(r *costRow, _ month) cell { return timeCell(r.End) }},
	{"ChargePeriodStart", kindTime, func(r *costRow, _ month) cell { return timeCell(r.Start) }},
	{"CommitmentDiscountCategory", kindText, func(r *costRow, _ month) cell { return commitmentField(r, "Usage") }},
	{"CommitmentDiscountId", kindText, func(r *costRow, _ month) cell { return text(r.Commitment) }},
	{"CommitmentDiscountName", kindText, func(r *costRow, _ month) cell { return commitmentField(r, "Compute commitment 1y") }},
	{"CommitmentDiscountStatus", kindText, func(r *costRow, _ month) cell { return text(r.CommitmentStatus) }},
	{"CommitmentDiscountType", kindText, func(r *costRow, _ month) cell { return commitmentField(r, "Committed Use Discount") }},
	{"ConsumedQuantity", kindNumber, func(r *costRow, _ month) cell { return text(r.Quantity) }},
	{"ConsumedUnit", kindText, func(r *costRow, _ month) cell { return text(r.Unit) }},
	{"ContractedCost", kindMoney, func(r *costRow, _ month) cell { return contractedCost(r) }},
	{"EffectiveCost", kindMoney, func(r *costRow, _ month) cell { return money(r.Effective) }},
	{"InvoiceIssuerName", kindText, func(*costRow, month) cell { return text(providerName) }},
	{"ListCost", kindMoney, func(r *costRow, _ month) cell { return money(r.List) }},
	{"ListUnitPrice", kindMoney, func(r *costRow, _ month) cell { return unitPrice(r) }},
	{"PricingCategory", kindText, func(r *costRow, _ month) cell { return pricingCategory(r) }},
	{"PricingQuantity", kindNumber, func(r *costRow, _ month) cell { return text(r.Quantity) }},
	{"PricingUnit", kindText, func(r *costRow, _ month) cell { return text(r.Unit) }},
	{"ProviderName", kindText, func(*costRow, month) cell { return text(providerName) }},
	{"PublisherName", kindText, func(*costRow, month) cell { return text(providerName) }},
	{"RegionId", kindText, func(r *costRow, _ month) cell { return text(r.Billing.Region) }},
	{"ResourceId", kindText, func(r *costRow, _ month) cell { return text(r.ResourceID) }},
	{"ServiceCategory", kindText, func(r *costRow, _ month) cell { return text(r.ServiceCategory) }},
	{"ServiceName", kindText, func(r *costRow, _ month) cell { return text(r.Service) }},
	{"SkuId", kindText, func(r *costRow, _ month) cell { return text(r.SKU) }},
	{"SubAccountId", kindText, func(r *costRow, _ month) cell { return text(r.SubAccountID) }},
	{"Tags", kindText, func(r *costRow, _ month) cell { return text(r.Tags) }},
}

// contractedCost returns the cost at the negotiated price before
// commitment discounts: the list cost on priced lines, which carry no
// negotiated discount in the demo, and the billed cost on credits and taxes.
func contractedCost(r *costRow) cell {
	if r.List != 0 {
		return money(r.List)
	}
	return money(r.Billed)
}

// pricingCategory returns Committed on covered usage, Standard on other
// priced lines and NULL on credits and taxes.
func pricingCategory(r *costRow) cell {
	switch {
	case r.Quantity == "" && r.Category != "Purchase":
		return cell{null: true}
	case r.Commitment != "" && r.Category == "Usage":
		return text("Committed")
	default:
		return text("Standard")
	}
}

// writeFocusCSV writes the rows of month m as a FOCUS CSV export: strings
// and timestamps quoted, numbers bare, NULL as an unquoted literal.
func writeFocusCSV(ctx context.Context, g *generator, rel string, m month, rows []*costRow) error {
	return g.writeFile(ctx, rel, KindCosts, func(w *bufio.Writer) (int, error) {
		for i, col := range focusColumns {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(quoteCSV(col.name))
		}
		w.WriteByte('\n')
		for n, row := range rows {
			if err := checkCtx(ctx, n+1); err != nil {
				return n, err
			}
			writeFocusCSVRow(w, row, m)
		}
		return len(rows), nil
	})
}

// writeFocusCSVRow writes one line. Write errors stay in w and surface
// from its Flush.
func writeFocusCSVRow(w *bufio.Writer, row *costRow, m month) {
	for i, col := range focusColumns {
		if i > 0 {
			w.WriteByte(',')
		}
		c := col.get(row, m)
		switch {
		case c.null:
			w.WriteString("NULL")
		case col.kind == kindMoney:
			w.WriteString(formatUnits(c.money))
		case col.kind == kindTime:
			w.WriteString(quoteCSV(c.time.Format(focusTimeLayout)))
		case col.kind == kindNumber:
			w.WriteString(c.text)
		default:
			w.WriteString(quoteCSV(c.text))
		}
	}
	w.WriteByte('\n')
}

// quoteCSV returns s in double quotes with inner quotes doubled.
func quoteCSV(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
