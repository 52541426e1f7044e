package render

import (
	"context"
	"fmt"
)

func readDataQualityNotes(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) { p.DataQualityNotes = []string{} })
	const query = `
SELECT account_id, check_name, COALESCE(detail, ''), affected_rows FROM %s
WHERE %s
ORDER BY account_id, check_name, detail`
	return b.eachRow(ctx, q, "data_quality_notes", query, func(rows Rows) error {
		var id, check, detail string
		var affected int64
		if err := rows.Scan(&id, &check, &detail, &affected); err != nil {
			return err
		}
		if pack := b.pack(id); pack != nil {
			pack.DataQualityNotes = append(pack.DataQualityNotes, noteText(check, detail, affected, pack.Cost.Currency))
		}
		return nil
	})
}

// noteEmptyPeriods adds a data quality note to the pack of each account
// that has no fact in the period (no row in account_periods), so that a
// reader takes its zeros for missing data rather than for a quiet period.
func noteEmptyPeriods(ctx context.Context, q Querier, b *batch) error {
	withFacts := map[string]bool{}
	err := b.eachRow(ctx, q, "account_periods", "SELECT account_id FROM %s WHERE %s", func(rows Rows) error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		withFacts[id] = true
		return nil
	})
	if err != nil {
		return err
	}
	b.forEachPack(func(p *Pack) {
		if !withFacts[p.AccountID] {
			p.DataQualityNotes = append(p.DataQualityNotes, fmt.Sprintf(
				"The warehouse contains no usage event, review label, cost line or incident of this account in %s, "+
					"so every figure of this pack is zero for lack of data.", p.Period))
		}
	})
	return nil
}

// noteText turns a data_quality_notes row into a sentence for readers of
// the pack.
func noteText(check, detail string, affected int64, currency string) string {
	switch check {
	case "commitment_purchase":
		return fmt.Sprintf("%d commitment purchase line(s) in %s are left out of the total cost: "+
			"their cost reaches usage through the effective cost of the lines they cover, "+
			"and the billed total still includes them.", affected, detail)
	case "other_currency_cost":
		return fmt.Sprintf("%d cost line(s) in %s are not in the account currency %s "+
			"and are listed under other_currencies, not in the totals.", affected, detail, currency)
	case "workflow_without_baseline":
		return fmt.Sprintf("%d resolved case(s) of workflow %s have no baseline in the account config "+
			"and are left out of handle time, reopen and cost avoided figures.", affected, detail)
	case "resolution_without_handle_time":
		return fmt.Sprintf("%d resolved case(s) have no handle time on their last resolution "+
			"and are left out of the mean handle time.", affected)
	case "stale_source":
		return detail
	default:
		return fmt.Sprintf("%s: %d row(s) %s", check, affected, detail)
	}
}
