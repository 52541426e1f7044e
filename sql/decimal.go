package sql

import "fmt"

// decimalDivide divides a money value by an integer count without leaving
// fixed point. The result has 18 fractional digits, truncated toward zero,
// and is NULL for a zero denominator.
//
// DuckDB (1.5) turns any DECIMAL division into DOUBLE, so the DuckDB form
// rebuilds the unscaled 128-bit integer of the DECIMAL(38,18) value (whole
// part times 10^18 plus the fraction times 10^18), divides it as HUGEINT
// and scales the quotient back by multiplying with 10^-18.
func (d Dialect) decimalDivide(numerator, denominator string) string {
	if d.bigQuery() {
		return fmt.Sprintf("TRUNC(SAFE_DIVIDE(CAST((%s) AS BIGNUMERIC), CAST((%s) AS BIGNUMERIC)), 18)",
			numerator, denominator)
	}
	n := fmt.Sprintf("CAST((%s) AS DECIMAL(38,18))", numerator)
	unscaled := fmt.Sprintf("(CAST(trunc(%s) AS HUGEINT) * 1000000000000000000 + CAST((%s - trunc(%s)) * 1000000000000000000 AS HUGEINT))",
		n, n, n)
	quotient := fmt.Sprintf("(%s // NULLIF(CAST((%s) AS HUGEINT), 0))", unscaled, denominator)
	return fmt.Sprintf("(CAST(%s AS DECIMAL(38,0)) * CAST('0.000000000000000001' AS DECIMAL(38,18)))", quotient)
}
