package sql

import "testing"

func TestTableColumnDescriptions(t *testing.T) {
	cols, err := TableColumnDescriptions("cost_lines")
	if err != nil {
		t.Fatal(err)
	}
	if got := cols["billed_cost"]; got != "cost as invoiced (FOCUS BilledCost)" {
		t.Errorf("billed_cost description = %q", got)
	}
	if cols["dt"] == "" {
		t.Error("dt has no description")
	}
	if _, err := TableColumnDescriptions("no_such_table"); err == nil {
		t.Error("unknown table: no error")
	}
}

func TestDialectStringType(t *testing.T) {
	tests := []struct {
		dialect Dialect
		want    string
	}{
		{DuckDB(), "VARCHAR"},
		{BigQuery("acme-prod", "evidence"), "STRING"},
	}
	for _, tt := range tests {
		if got := tt.dialect.StringType(); got != tt.want {
			t.Errorf("%s string type = %q, want %q", tt.dialect.Name, got, tt.want)
		}
	}
}
