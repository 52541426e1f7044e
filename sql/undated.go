package sql

import (
	"fmt"
	"strings"
)

// undatedPeriodColumns returns the select list of grain, period,
// period_start and period_end for the rows of alias that undatedFacts
// returns. Each column is on a line of its own and ends with a comma.
func (d Dialect) undatedPeriodColumns(alias string) string {
	start := alias + ".period_start"
	lines := []string{
		fmt.Sprintf("  %s.grain,", alias),
		fmt.Sprintf("  CASE %s.grain", alias),
		"    WHEN 'month' THEN " + d.monthLabel(start),
		"    ELSE " + d.quarterLabel(start),
		"  END AS period,",
		"  " + start + ",",
		fmt.Sprintf("  CASE %s.grain", alias),
		"    WHEN 'month' THEN " + d.addMonths(start, "1"),
		"    ELSE " + d.addMonths(start, "3"),
		"  END AS period_end,",
	}
	return strings.Join(lines, "\n")
}

// undatedFacts returns a query of the rows of table, under alias, that
// have no dt. Loads always set dt, so only hand-written inserts leave such
// rows. Each row appears twice, with grain 'month' and 'quarter' and the
// start of that period in its account's time zone by timeColumn.
func (d Dialect) undatedFacts(table, alias, timeColumn string) (string, error) {
	name, err := d.table(table)
	if err != nil {
		return "", err
	}
	accounts, err := d.table("accounts")
	if err != nil {
		return "", err
	}
	at := alias + "." + timeColumn
	var parts []string
	for _, grain := range []string{"month", "quarter"} {
		start, err := d.dateTrunc(grain, d.localTime(at, "a.time_zone"))
		if err != nil {
			return "", err
		}
		parts = append(parts, strings.Join([]string{
			fmt.Sprintf("  SELECT %s.*, '%s' AS grain, %s AS period_start", alias, grain, start),
			fmt.Sprintf("  FROM %s AS %s", name, alias),
			fmt.Sprintf("  LEFT JOIN %s AS a ON a.account_id = %s.account_id", accounts, alias),
			fmt.Sprintf("  WHERE %s.dt IS NULL AND %s IS NOT NULL", alias, at),
		}, "\n"))
	}
	return strings.Join(parts, "\n  UNION ALL\n"), nil
}
