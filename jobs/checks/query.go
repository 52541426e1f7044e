package checks

import (
	"fmt"
	"strings"

	"evidencepack/config"
)

// failingRowsQuery returns the query that selects the failing rows of a
// check, with its bound arguments. Identifiers are quoted and values are
// bound, so a column or value from the config cannot change the query.
func failingRowsQuery(c config.Check) (string, []any, error) {
	t := quoteIdent(c.Table)
	switch c.Kind {
	case config.CheckNotNull:
		conds := make([]string, len(c.Columns))
		for i, col := range c.Columns {
			conds[i] = quoteIdent(col) + " IS NULL"
		}
		return fmt.Sprintf("SELECT * FROM %s WHERE %s", t, strings.Join(conds, " OR ")), nil, nil
	case config.CheckUnique:
		cols := quoteIdents(c.Columns)
		return fmt.Sprintf("SELECT %s, COUNT(*) AS row_count FROM %s GROUP BY %s HAVING COUNT(*) > 1",
			cols, t, cols), nil, nil
	case config.CheckAcceptedValues:
		col := quoteIdent(c.Columns[0])
		return fmt.Sprintf("SELECT * FROM %s WHERE %s IS NOT NULL AND %s NOT IN (%s)",
			t, col, col, marks(len(c.Values))), stringArgs(c.Values), nil
	case config.CheckRelationships:
		return relationshipsQuery(c)
	case config.CheckRange:
		return rangeQuery(c)
	case config.CheckCustomSQL:
		return strings.TrimRight(strings.TrimSpace(c.SQL), ";"), nil, nil
	}
	return "", nil, fmt.Errorf("check %s: kind %q has no failing rows query", c.Name, c.Kind)
}

// relationshipsQuery selects the rows whose column value, unless exempt,
// has no match in the referenced table.column.
func relationshipsQuery(c config.Check) (string, []any, error) {
	ref := strings.Split(c.References, ".")
	if len(ref) != 2 {
		return "", nil, fmt.Errorf("check %s: references %q is not table.column", c.Name, c.References)
	}
	col := "f." + quoteIdent(c.Columns[0])
	q := fmt.Sprintf("SELECT f.* FROM %s AS f WHERE %s IS NOT NULL", quoteIdent(c.Table), col)
	if len(c.Values) > 0 {
		q += fmt.Sprintf(" AND %s NOT IN (%s)", col, marks(len(c.Values)))
	}
	q += fmt.Sprintf(" AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE p.%s = %s)",
		quoteIdent(ref[0]), quoteIdent(ref[1]), col)
	return q, stringArgs(c.Values), nil
}

// rangeQuery selects the rows of one column outside min..max, or the rows
// whose first column is before (less than) the second.
func rangeQuery(c config.Check) (string, []any, error) {
	t := quoteIdent(c.Table)
	col := quoteIdent(c.Columns[0])
	if len(c.Columns) == 2 {
		return fmt.Sprintf("SELECT * FROM %s WHERE %s < %s", t, col, quoteIdent(c.Columns[1])), nil, nil
	}
	var conds []string
	var args []any
	if c.Min != nil {
		conds = append(conds, col+" < ?")
		args = append(args, *c.Min)
	}
	if c.Max != nil {
		conds = append(conds, col+" > ?")
		args = append(args, *c.Max)
	}
	if len(conds) == 0 {
		return "", nil, fmt.Errorf("check %s: a range on one column needs min or max", c.Name)
	}
	return fmt.Sprintf("SELECT * FROM %s WHERE %s", t, strings.Join(conds, " OR ")), args, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteIdents(cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = quoteIdent(c)
	}
	return strings.Join(out, ", ")
}

func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func stringArgs(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}
