package render

import (
	"database/sql"
	"fmt"
	"math/big"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/shopspring/decimal"
)

// nullDecimal scans a DECIMAL column exactly. It never passes a value
// through float64: a float from the driver is rejected as a schema error.
type nullDecimal struct {
	Decimal decimal.Decimal
	Valid   bool
}

// Scan implements sql.Scanner for DuckDB DECIMAL, HUGEINT and integer
// values and for decimal text.
func (n *nullDecimal) Scan(value any) error {
	n.Valid = value != nil
	switch v := value.(type) {
	case nil:
		n.Decimal = decimal.Zero
	case duckdb.Decimal:
		if v.Value == nil {
			return fmt.Errorf("decimal value without digits")
		}
		n.Decimal = decimal.NewFromBigInt(v.Value, -int32(v.Scale))
	case *big.Int:
		n.Decimal = decimal.NewFromBigInt(v, 0)
	case int64:
		n.Decimal = decimal.NewFromInt(v)
	case int32:
		n.Decimal = decimal.NewFromInt(int64(v))
	case string:
		d, err := decimal.NewFromString(v)
		if err != nil {
			return fmt.Errorf("invalid decimal text %q: %w", v, err)
		}
		n.Decimal = d
	default:
		return fmt.Errorf("money column has type %T, want DECIMAL", value)
	}
	return nil
}

// nullFloat and nullString are the database/sql nullable types under
// shorter names.
type (
	nullFloat  = sql.NullFloat64
	nullString = sql.NullString
	nullInt    = sql.NullInt64
)
