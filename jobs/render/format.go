package render

import (
	"fmt"
	"math"
	"strconv"

	"github.com/shopspring/decimal"
)

// notAvailable is shown for a figure that has no value, such as a
// percentage whose denominator is zero.
const notAvailable = "n/a"

var currencySymbols = map[string]string{
	"USD": "$",
	"EUR": "€",
	"GBP": "£",
}

// formatMoney rounds an exact amount half-to-even to cents and prefixes the
// currency symbol ($, € or £) or, for other currencies, the ISO code and a
// space: "$0.30", "-€12.40", "CHF 5.00".
func formatMoney(amount decimal.Decimal, currency string) string {
	text := amount.Abs().RoundBank(2).StringFixed(2)
	prefix := ""
	if symbol, ok := currencySymbols[currency]; ok {
		prefix = symbol
	} else if currency != "" {
		prefix = currency + " "
	}
	if amount.RoundBank(2).IsNegative() {
		return "-" + prefix + text
	}
	return prefix + text
}

// formatNullMoney formats amount, or returns n/a when it is NULL.
func formatNullMoney(amount nullDecimal, currency string) string {
	if !amount.Valid {
		return notAvailable
	}
	return formatMoney(amount.Decimal, currency)
}

// formatPercent shows a share from 0 to 1 as a percentage with one
// decimal: 0.31 is "31.0%".
func formatPercent(share nullFloat) string {
	if !share.Valid {
		return notAvailable
	}
	return formatOneDecimal(share.Float64*100) + "%"
}

// formatPoints shows a difference of two rates, already in percentage
// points, with one decimal and the unit pp: -8 is "-8.0pp".
func formatPoints(points nullFloat) string {
	if !points.Valid {
		return notAvailable
	}
	return formatOneDecimal(points.Float64) + "pp"
}

// formatOneDecimal rounds half away from zero to one decimal and never
// shows a negative zero.
func formatOneDecimal(x float64) string {
	rounded := math.Round(x*10) / 10
	if rounded == 0 {
		rounded = 0
	}
	return strconv.FormatFloat(rounded, 'f', 1, 64)
}

// formatDuration shows seconds rounded to the minute as "5h 12m", or "12m"
// under an hour and "40s" under a minute.
func formatDuration(seconds nullFloat) string {
	if !seconds.Valid {
		return notAvailable
	}
	if seconds.Float64 < 60 {
		return fmt.Sprintf("%ds", int64(math.Round(seconds.Float64)))
	}
	minutes := int64(math.Round(seconds.Float64 / 60))
	if minutes < 60 {
		return fmt.Sprintf("%dm", minutes)
	}
	return fmt.Sprintf("%dh %dm", minutes/60, minutes%60)
}
