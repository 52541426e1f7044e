package sql

import "fmt"

// TableColumnDescriptions returns the meaning of each column of a table
// under tables/, as its header comment documents it. BigQuery shows these
// as column descriptions.
func TableColumnDescriptions(table string) (map[string]string, error) {
	stmts, err := renderDir(DuckDB(), "tables")
	if err != nil {
		return nil, err
	}
	for _, st := range stmts {
		if st.Name != table {
			continue
		}
		doc, err := parseHeader(st.Name, st.SQL)
		if err != nil {
			return nil, err
		}
		return doc.Columns, nil
	}
	return nil, fmt.Errorf("no table %q under sql/tables", table)
}
