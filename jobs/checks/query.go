package checks

import (
	"fmt"
	"strings"
	"time"

	"evidencepack/config"
)

// failingRowsQuery returns the query that selects the failing rows of a
// check, with its bound arguments. Identifiers are quoted and values are
// bound, so a column or value from the config cannot change the query.
// Unless dates is nil, the checked table is limited to the rows whose dt
// is one of dates. custom_sql is never limited.
func failingRowsQuery(c config.Check, dates []time.Time) (string, []any, error) {
	if c.Kind == config.CheckCustomSQL {
		return strings.TrimRight(strings.TrimSpace(c.SQL), ";"), nil, nil
	}
	alias := ""
	if c.Kind == config.CheckRelationships {
		alias = "f"
	}
	t, scopeArgs := relation(c.Table, dates, alias)
	q, args, err := checkQuery(c, t)
	return q, append(scopeArgs, args...), err
}

// relation returns the table as the checks read it: the table itself, or
// its rows dated in dates under the alias, or the table's own name when
// the alias is empty. The arguments bind the dates.
func relation(table string, dates []time.Time, alias string) (string, []any) {
	if dates == nil {
		if alias == "" {
			return quoteIdent(table), nil
		}
		return quoteIdent(table) + " AS " + alias, nil
	}
	if alias == "" {
		alias = quoteIdent(table)
	}
	if len(dates) == 0 {
		return fmt.Sprintf("(SELECT * FROM %s WHERE FALSE) AS %s", quoteIdent(table), alias), nil
	}
	args := make([]any, len(dates))
	conds := make([]string, len(dates))
	for i, d := range dates {
		conds[i] = "CAST(? AS DATE)"
		args[i] = d.Format(time.DateOnly)
	}
	return fmt.Sprintf("(SELECT * FROM %s WHERE dt IN (%s)) AS %s", quoteIdent(table),
		strings.Join(conds, ", "), alias), args
}

// checkQuery returns the failing rows query of a kind other than
// custom_sql that reads the relation t. For relationships, t carries the
// alias f.
func checkQuery(c config.Check, t string) (string, []any, error) {
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
		return relationshipsQuery(c, t)
	case config.CheckRange:
		return rangeQuery(c, t)
	}
	return "", nil, fmt.Errorf("check %s: kind %q has no failing rows query", c.Name, c.Kind)
}

// relationshipsQuery selects the rows whose column value, unless exempt,
// has no match in the referenced table.column.
func relationshipsQuery(c config.Check, aliased string) (string, []any, error) {
	ref := strings.Split(c.References, ".")
	if len(ref) != 2 {
		return "", nil, fmt.Errorf("check %s: references %q is not table.column", c.Name, c.References)
	}
	col := "f." + quoteIdent(c.Columns[0])
	q := fmt.Sprintf("SELECT f.* FROM %s WHERE %s IS NOT NULL", aliased, col)
	if len(c.Values) > 0 {
		q += fmt.Sprintf(" AND %s NOT IN (%s)", col, marks(len(c.Values)))
	}
	q += fmt.Sprintf(" AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE p.%s = %s)",
		quoteIdent(ref[0]), quoteIdent(ref[1]), col)
	return q, stringArgs(c.Values), nil
}

// rangeQuery selects the rows of one column outside min..max, or the rows
// whose first column is before (less than) the second.
func rangeQuery(c config.Check, t string) (string, []any, error) {
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
