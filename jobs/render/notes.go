package render

import (
	"context"
	"database/sql"
	"fmt"
)

func readDataQualityNotes(ctx context.Context, db *sql.DB, p period, pack *Pack, currency string) error {
	pack.DataQualityNotes = []string{}
	const query = `
SELECT check_name, COALESCE(detail, ''), affected_rows FROM data_quality_notes
WHERE grain = ? AND period = ? AND account_id = ?
ORDER BY check_name, detail`
	return eachRow(ctx, db, "data_quality_notes", query, []any{p.Grain, p.Label, pack.AccountID}, func(rows *sql.Rows) error {
		var check, detail string
		var affected int64
		if err := rows.Scan(&check, &detail, &affected); err != nil {
			return err
		}
		pack.DataQualityNotes = append(pack.DataQualityNotes, noteText(check, detail, affected, currency))
		return nil
	})
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
	default:
		return fmt.Sprintf("%s: %d row(s) %s", check, affected, detail)
	}
}
