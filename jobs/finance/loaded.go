package finance

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	evsql "evidencepack/sql"
)

// readLoadedTotals sums the billed cost of the warehouse's cost lines
// whose charge period starts in the period, with the query
// sql/queries/cost_line_totals.sql. dt is the UTC date of
// charge_period_start.
func readLoadedTotals(ctx context.Context, store Store, p Period) (map[totalKey]*amounts, error) {
	query, err := evsql.Query(store.Dialect, "cost_line_totals")
	if err != nil {
		return nil, err
	}
	rows, err := store.Querier.Query(ctx, query, p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
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
			return nil, fmt.Errorf("parse billed cost total %q of account %q: %w", billed, account.String, err)
		}
		if sum.Credits, err = decimal.NewFromString(credits); err != nil {
			return nil, fmt.Errorf("parse credits total %q of account %q: %w", credits, account.String, err)
		}
		out[totalKey{AccountID: account.String, Currency: currency.String}] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query cost_lines: %w", err)
	}
	return out, nil
}
