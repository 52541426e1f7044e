package sources

import "github.com/shopspring/decimal"

func parseDecimal(s string) (decimal.Decimal, bool) {
	d, err := decimal.NewFromString(s)
	return d, err == nil
}
