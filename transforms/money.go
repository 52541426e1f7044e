package transforms

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/shopspring/decimal"
)

// MoneyScale is the number of fractional digits kept for money. FOCUS
// exports carry up to 15; a value with a non-zero digit past the scale is
// rejected, never rounded.
const (
	MoneyScale     = 18
	MoneyPrecision = 38
)

// QuantityScale is the number of fractional digits kept for consumed
// quantities.
const QuantityScale = MoneyScale

// maxDecimalText and maxDecimalExponent bound the work ParseDecimal does
// on hostile text: big-number parsing grows faster than linearly with the
// digits, and an exponent such as 1e9999999 would build a huge power of
// ten. Any value that fits DECIMAL(38,18) is well inside both bounds.
const (
	maxDecimalText     = 1024
	maxDecimalExponent = 2 * MoneyPrecision
)

// ParseDecimal parses a decimal number from text without passing through a
// binary float: plain (-12.40), exponent (5e-06) and accounting forms with a
// currency sign, thousands separators or surrounding spaces ("$10,100.00 ")
// are accepted. It fails when the value needs more than scale fractional
// digits or more than MoneyPrecision digits in all.
func ParseDecimal(s string, scale int32) (decimal128.Num, error) {
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		neg, t = true, strings.TrimSpace(t[1:len(t)-1])
	}
	if strings.HasPrefix(t, "-") {
		neg, t = !neg, t[1:]
	}
	t = strings.TrimLeft(t, "$€£¥")
	t = strings.ReplaceAll(t, ",", "")
	if t == "" {
		return decimal128.Num{}, fmt.Errorf("empty number")
	}
	if len(t) > maxDecimalText {
		return decimal128.Num{}, fmt.Errorf("number has %d characters, more than the %d read", len(t), maxDecimalText)
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return decimal128.Num{}, fmt.Errorf("not a decimal number")
	}
	if e := d.Exponent(); e > maxDecimalExponent || e < -maxDecimalExponent {
		return decimal128.Num{}, fmt.Errorf("exponent %d out of range: a DECIMAL(%d,%d) holds at most %d digits",
			e, MoneyPrecision, scale, MoneyPrecision)
	}
	if neg {
		d = d.Neg()
	}
	return decimalToNum(d, scale)
}

func decimalToNum(d decimal.Decimal, scale int32) (decimal128.Num, error) {
	scaled := d.Shift(scale)
	if !scaled.Equal(scaled.Truncate(0)) {
		return decimal128.Num{}, fmt.Errorf("more than %d fractional digits", scale)
	}
	bi := scaled.BigInt()
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(MoneyPrecision), nil)
	if new(big.Int).Abs(bi).Cmp(limit) >= 0 {
		return decimal128.Num{}, fmt.Errorf("more than %d digits", MoneyPrecision)
	}
	return decimal128.FromBigInt(bi), nil
}

// FormatDecimal writes n at the given scale with trailing fractional zeros
// removed, as exact text.
func FormatDecimal(n decimal128.Num, scale int32) string {
	return decimal.NewFromBigInt(n.BigInt(), -scale).String()
}

// DecimalFromNum converts n at the given scale to an arbitrary-precision
// decimal for exact arithmetic.
func DecimalFromNum(n decimal128.Num, scale int32) decimal.Decimal {
	return decimal.NewFromBigInt(n.BigInt(), -scale)
}

// Num is a fixed-scale decimal value as stored in Arrow and Parquet.
type Num = decimal128.Num

// NumFromBigInt converts an unscaled integer to a Num.
func NumFromBigInt(v *big.Int) Num { return decimal128.FromBigInt(v) }
