package render

import (
	"context"
)

// topFailureCategories is how many failure categories a pack lists.
const topFailureCategories = 5

func readTrend(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) {
		p.Value.Trend = []ValuePoint{}
		p.Adoption.Trend = []AdoptionPoint{}
		p.Cost.Trend = []CostPoint{}
	})
	const query = `
SELECT account_id, month, verified_resolved_cases, handle_time_reduction, estimated_cost_avoided, active_users, effective_cost
FROM %s WHERE %s ORDER BY account_id, month`
	return b.eachRow(ctx, q, "account_trend", query, func(rows Rows) error {
		var id, month string
		var verified, users int64
		var reduction nullFloat
		var avoided, cost nullDecimal
		if err := rows.Scan(&id, &month, &verified, &reduction, &avoided, &users, &cost); err != nil {
			return err
		}
		pack := b.pack(id)
		if pack == nil {
			return nil
		}
		currency := pack.Cost.Currency
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

// readFailureCategories keeps the first topFailureCategories rows of each
// account, in the order of the query.
func readFailureCategories(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) { p.Quality.TopFailureCategories = []FailureCategory{} })
	const query = `
SELECT account_id, failure_category, reviewed_cases FROM %s
WHERE %s
ORDER BY account_id, reviewed_cases DESC, failure_category`
	return b.eachRow(ctx, q, "failure_categories", query, func(rows Rows) error {
		var id string
		var c FailureCategory
		if err := rows.Scan(&id, &c.Category, &c.Cases); err != nil {
			return err
		}
		pack := b.pack(id)
		if pack == nil || len(pack.Quality.TopFailureCategories) >= topFailureCategories {
			return nil
		}
		pack.Quality.TopFailureCategories = append(pack.Quality.TopFailureCategories, c)
		return nil
	})
}

// readServiceCosts lists the services of the account currency. Rows in
// other currencies, and rows without a currency, are skipped.
func readServiceCosts(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) { p.Cost.ByService = []ServiceCost{} })
	const query = `
SELECT account_id, currency, service, effective_cost, billed_cost FROM %s
WHERE %s
ORDER BY account_id, effective_cost DESC, service`
	return b.eachRow(ctx, q, "cost_by_service", query, func(rows Rows) error {
		var id, service string
		var currency nullString
		var total, billed nullDecimal
		if err := rows.Scan(&id, &currency, &service, &total, &billed); err != nil {
			return err
		}
		pack := b.pack(id)
		if pack == nil || !currency.Valid || currency.String != pack.Cost.Currency {
			return nil
		}
		pack.Cost.ByService = append(pack.Cost.ByService, ServiceCost{
			Service: service, Total: formatNullMoney(total, pack.Cost.Currency), BilledTotal: formatNullMoney(billed, pack.Cost.Currency),
		})
		return nil
	})
}

// readCurrencyCosts counts the cost lines of the account currency and
// lists the costs of every other currency, a missing one included.
func readCurrencyCosts(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) { p.Cost.OtherCurrencies = []CurrencyCost{} })
	const query = `
SELECT account_id, currency, effective_cost, billed_cost, cost_lines FROM %s
WHERE %s
ORDER BY account_id, currency`
	return b.eachRow(ctx, q, "cost_by_currency", query, func(rows Rows) error {
		var id string
		var currency nullString
		var total, billed nullDecimal
		var lines int64
		if err := rows.Scan(&id, &currency, &total, &billed, &lines); err != nil {
			return err
		}
		pack := b.pack(id)
		switch {
		case pack == nil:
		case currency.Valid && currency.String == pack.Cost.Currency:
			pack.Cost.Lines += lines
		default:
			c := CurrencyCost{Currency: currency.String}
			c.Total = formatNullMoney(total, c.Currency)
			c.BilledTotal = formatNullMoney(billed, c.Currency)
			pack.Cost.OtherCurrencies = append(pack.Cost.OtherCurrencies, c)
		}
		return nil
	})
}
