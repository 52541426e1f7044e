package checks

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"evidencepack/transforms"
)

func TestContractsUpToDate(t *testing.T) {
	for _, table := range transforms.Tables {
		want, err := Contract(table)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("..", "..", "docs", "contracts", ContractFile(table))
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is missing or out of date with the Arrow schema of %s (%v): run make contracts", path, table, err)
		}
	}
}

func TestContractRequiresKeys(t *testing.T) {
	data, err := Contract(transforms.TableCosts)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Required   []string                  `json:"required"`
		Properties map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	required := map[string]bool{}
	for _, r := range doc.Required {
		required[r] = true
	}
	for _, col := range []string{"line_id", "account_id", "charge_period_start", "billed_cost", "dt"} {
		if !required[col] {
			t.Errorf("cost_lines contract does not require %s", col)
		}
	}
	if doc.Properties["billed_cost"]["type"] != "string" {
		t.Errorf("billed_cost type = %v, want string so no digit is lost", doc.Properties["billed_cost"]["type"])
	}
}
