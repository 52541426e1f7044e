package render

import (
	"context"
	"database/sql"
	"fmt"
)

// topFailureCategories is how many failure categories a pack lists.
const topFailureCategories = 5

// eachRow runs a query with the period and account bound and calls scan on
// every row.
func eachRow(ctx context.Context, db *sql.DB, view, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("query %s: %w", view, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("scan %s: %w", view, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query %s: %w", view, err)
	}
	return nil
}

func readTrend(ctx context.Context, db *sql.DB, p period, pack *Pack, currency string) error {
	pack.Value.Trend = []ValuePoint{}
	pack.Adoption.Trend = []AdoptionPoint{}
	pack.Cost.Trend = []CostPoint{}
	const query = `
SELECT month, verified_resolved_cases, handle_time_reduction, estimated_cost_avoided, active_users, effective_cost
FROM account_trend WHERE grain = ? AND period = ? AND account_id = ? ORDER BY month`
	return eachRow(ctx, db, "account_trend", query, []any{p.Grain, p.Label, pack.AccountID}, func(rows *sql.Rows) error {
		var month string
		var verified, users int64
		var reduction nullFloat
		var avoided, cost nullDecimal
		if err := rows.Scan(&month, &verified, &reduction, &avoided, &users, &cost); err != nil {
			return err
		}
		pack.Value.Trend = append(pack.Value.Trend, ValuePoint{
			Month: month, VerifiedResolvedCases: verified,
			HandleTimeReduction: formatPercent(reduction), EstimatedCostAvoided: formatNullMoney(avoided, currency),
		})
		pack.Adoption.Trend = append(pack.Adoption.Trend, AdoptionPoint{Month: month, ActiveUsers: users})
		pack.Cost.Trend = append(pack.Cost.Trend, CostPoint{
			Month: month, Total: formatNullMoney(cost, currency), EstimatedCostAvoided: formatNullMoney(avoided, currency),
		})
		return nil
	})
}

func readFailureCategories(ctx context.Context, db *sql.DB, p period, pack *Pack, _ string) error {
	pack.Quality.TopFailureCategories = []FailureCategory{}
	query := fmt.Sprintf(`
SELECT failure_category, reviewed_cases FROM failure_categories
WHERE grain = ? AND period = ? AND account_id = ?
ORDER BY reviewed_cases DESC, failure_category LIMIT %d`, topFailureCategories)
	return eachRow(ctx, db, "failure_categories", query, []any{p.Grain, p.Label, pack.AccountID}, func(rows *sql.Rows) error {
		var c FailureCategory
		if err := rows.Scan(&c.Category, &c.Cases); err != nil {
			return err
		}
		pack.Quality.TopFailureCategories = append(pack.Quality.TopFailureCategories, c)
		return nil
	})
}

func readServiceCosts(ctx context.Context, db *sql.DB, p period, pack *Pack, currency string) error {
	pack.Cost.ByService = []ServiceCost{}
	const query = `
SELECT service, effective_cost, billed_cost FROM cost_by_service
WHERE grain = ? AND period = ? AND account_id = ? AND currency = ?
ORDER BY effective_cost DESC, service`
	return eachRow(ctx, db, "cost_by_service", query, []any{p.Grain, p.Label, pack.AccountID, currency}, func(rows *sql.Rows) error {
		var service string
		var total, billed nullDecimal
		if err := rows.Scan(&service, &total, &billed); err != nil {
			return err
		}
		pack.Cost.ByService = append(pack.Cost.ByService, ServiceCost{
			Service: service, Total: formatNullMoney(total, currency), BilledTotal: formatNullMoney(billed, currency),
		})
		return nil
	})
}

func readOtherCurrencies(ctx context.Context, db *sql.DB, p period, pack *Pack, currency string) error {
	pack.Cost.OtherCurrencies = []CurrencyCost{}
	const query = `
SELECT COALESCE(currency, ''), effective_cost, billed_cost FROM cost_by_currency
WHERE grain = ? AND period = ? AND account_id = ? AND currency IS DISTINCT FROM ?
ORDER BY currency`
	return eachRow(ctx, db, "cost_by_currency", query, []any{p.Grain, p.Label, pack.AccountID, currency}, func(rows *sql.Rows) error {
		var c CurrencyCost
		var total, billed nullDecimal
		if err := rows.Scan(&c.Currency, &total, &billed); err != nil {
			return err
		}
		c.Total = formatNullMoney(total, c.Currency)
		c.BilledTotal = formatNullMoney(billed, c.Currency)
		pack.Cost.OtherCurrencies = append(pack.Cost.OtherCurrencies, c)
		return nil
	})
}
