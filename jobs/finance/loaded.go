package finance

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// loadedQuery sums the cost_lines of a period per account and currency.
// Sums are cast to text so that no digit passes through a float.
const loadedQuery = `
SELECT
  account_id,
  currency,
  COUNT(*),
  CAST(SUM(billed_cost) AS VARCHAR),
  CAST(SUM(CASE WHEN LOWER(charge_category) = 'credit' THEN billed_cost ELSE 0 END) AS VARCHAR)
FROM cost_lines
WHERE dt >= CAST(? AS DATE) AND dt < CAST(? AS DATE)
GROUP BY account_id, currency`

// readLoadedTotals sums the billed cost of the warehouse's cost lines
// whose charge period starts in the period. dt is the UTC date of
// charge_period_start.
func readLoadedTotals(ctx context.Context, db *sql.DB, p Period) (map[totalKey]*amounts, error) {
	rows, err := db.QueryContext(ctx, loadedQuery, p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("query cost_lines: %w", err)
	}
	defer rows.Close()
	out := map[totalKey]*amounts{}
	for rows.Next() {
		var account, currency sql.NullString
		var billed, credits string
		sum := &amounts{}
		if err := rows.Scan(&account, &currency, &sum.Lines, &billed, &credits); err != nil {
			return nil, fmt.Errorf("scan cost_lines totals: %w", err)
		}
		if sum.BilledCost, err = decimal.NewFromString(billed); err != nil {
			return nil, fmt.Errorf("parse billed cost total %q: %w", billed, err)
		}
		if sum.Credits, err = decimal.NewFromString(credits); err != nil {
			return nil, fmt.Errorf("parse credits total %q: %w", credits, err)
		}
		out[totalKey{AccountID: account.String, Currency: currency.String}] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query cost_lines: %w", err)
	}
	return out, nil
}
