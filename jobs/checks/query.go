package checks

import (
	"fmt"
	"strings"
	"time"

	"evidencepack/config"
	evsql "evidencepack/sql"
)

// dialect writes the names and clauses of check queries that differ
// between DuckDB and BigQuery.
type dialect struct {
	evsql.Dialect
}

func (d dialect) bigQuery() bool { return d.Name == evsql.BigQueryName }

// table returns a table name as check queries write it: quoted in DuckDB
// and `project.dataset.table` in BigQuery.
func (d dialect) table(name string) (string, error) {
	if d.bigQuery() {
		return d.Table(name)
	}
	return quoteIdent(name), nil
}

// ident quotes a column name or an alias: "name" in DuckDB and `name` in
// BigQuery.
func (d dialect) ident(name string) string {
	if d.bigQuery() {
		return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(name) + "`"
	}
	return quoteIdent(name)
}

func (d dialect) idents(cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = d.ident(c)
	}
	return strings.Join(out, ", ")
}

// orderAll returns the clause that sorts the rows of the relation alias
// by all their columns, so a sample is the same on every run. BigQuery
// has no ORDER BY ALL, so it sorts by each row's JSON text.
func (d dialect) orderAll(alias string) string {
	if d.bigQuery() {
		return "ORDER BY TO_JSON_STRING(" + alias + ")"
	}
	return "ORDER BY ALL"
}

// failingRowsQuery returns the DuckDB query that selects the failing rows
// of a check, with its bound arguments.
func failingRowsQuery(c config.Check, dates []time.Time) (string, []any, error) {
	return dialect{evsql.DuckDB()}.failingRowsQuery(c, dates)
}

// failingRowsQuery returns the query that selects the failing rows of a
// check, with its bound arguments. Identifiers are quoted and values are
// bound, so a column or value from the config cannot change the query.
// Unless dates is nil, the checked table is limited to the rows whose dt
// is one of dates. custom_sql is never limited.
func (d dialect) failingRowsQuery(c config.Check, dates []time.Time) (string, []any, error) {
	if c.Kind == config.CheckCustomSQL {
		return strings.TrimRight(strings.TrimSpace(c.SQL), ";"), nil, nil
	}
	alias := ""
	if c.Kind == config.CheckRelationships {
		alias = "f"
	}
	t, scopeArgs, err := d.relation(c.Table, dates, alias)
	if err != nil {
		return "", nil, fmt.Errorf("check %s: %w", c.Name, err)
	}
	q, args, err := d.checkQuery(c, t)
	return q, append(scopeArgs, args...), err
}

// relation returns the table as the checks read it: the table itself, or
// its rows dated in dates under the alias, or the table's own name when
// the alias is empty. The arguments bind the dates.
func (d dialect) relation(table string, dates []time.Time, alias string) (string, []any, error) {
	name, err := d.table(table)
	if err != nil {
		return "", nil, err
	}
	if dates == nil {
		if alias == "" {
			return name, nil, nil
		}
		return name + " AS " + alias, nil, nil
	}
	if alias == "" {
		alias = d.ident(table)
	}
	if len(dates) == 0 {
		return fmt.Sprintf("(SELECT * FROM %s WHERE FALSE) AS %s", name, alias), nil, nil
	}
	args := make([]any, len(dates))
	conds := make([]string, len(dates))
	for i, day := range dates {
		conds[i] = "CAST(? AS DATE)"
		args[i] = day.Format(time.DateOnly)
	}
	return fmt.Sprintf("(SELECT * FROM %s WHERE dt IN (%s)) AS %s", name,
		strings.Join(conds, ", "), alias), args, nil
}

// checkQuery returns the failing rows query of a kind other than
// custom_sql that reads the relation t. For relationships, t carries the
// alias f.
func (d dialect) checkQuery(c config.Check, t string) (string, []any, error) {
	switch c.Kind {
	case config.CheckNotNull:
		conds := make([]string, len(c.Columns))
		for i, col := range c.Columns {
			conds[i] = d.ident(col) + " IS NULL"
		}
		return fmt.Sprintf("SELECT * FROM %s WHERE %s", t, strings.Join(conds, " OR ")), nil, nil
	case config.CheckUnique:
		cols := d.idents(c.Columns)
		return fmt.Sprintf("SELECT %s, COUNT(*) AS row_count FROM %s GROUP BY %s HAVING COUNT(*) > 1",
			cols, t, cols), nil, nil
	case config.CheckAcceptedValues:
		col := d.ident(c.Columns[0])
		return fmt.Sprintf("SELECT * FROM %s WHERE %s IS NOT NULL AND %s NOT IN (%s)",
			t, col, col, marks(len(c.Values))), stringArgs(c.Values), nil
	case config.CheckRelationships:
		return d.relationshipsQuery(c, t)
	case config.CheckRange:
		return d.rangeQuery(c, t)
	}
	return "", nil, fmt.Errorf("check %s: kind %q has no failing rows query", c.Name, c.Kind)
}

// relationshipsQuery selects the rows whose column value, unless exempt,
// has no match in the referenced table.column.
func (d dialect) relationshipsQuery(c config.Check, aliased string) (string, []any, error) {
	ref := strings.Split(c.References, ".")
	if len(ref) != 2 {
		return "", nil, fmt.Errorf("check %s: references %q is not table.column", c.Name, c.References)
	}
	parent, err := d.table(ref[0])
	if err != nil {
		return "", nil, fmt.Errorf("check %s: references %q: %w", c.Name, c.References, err)
	}
	col := "f." + d.ident(c.Columns[0])
	q := fmt.Sprintf("SELECT f.* FROM %s WHERE %s IS NOT NULL", aliased, col)
	if len(c.Values) > 0 {
		q += fmt.Sprintf(" AND %s NOT IN (%s)", col, marks(len(c.Values)))
	}
	q += fmt.Sprintf(" AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE p.%s = %s)",
		parent, d.ident(ref[1]), col)
	return q, stringArgs(c.Values), nil
}

// rangeQuery selects the rows of one column outside min..max, or the rows
// whose first column is before (less than) the second.
func (d dialect) rangeQuery(c config.Check, t string) (string, []any, error) {
	col := d.ident(c.Columns[0])
	if len(c.Columns) == 2 {
		return fmt.Sprintf("SELECT * FROM %s WHERE %s < %s", t, col, d.ident(c.Columns[1])), nil, nil
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
