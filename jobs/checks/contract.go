package checks

import (
	"encoding/json"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"evidencepack/transforms"
)

// ContractVersion is the version in the file names of the fact contracts.
// A change that drops, renames or retypes a column needs a new version.
const ContractVersion = 1

// ContractFile returns the path of a fact table's contract under
// docs/contracts.
func ContractFile(table string) string {
	return fmt.Sprintf("%s.v%d.json", table, ContractVersion)
}

// Contract returns the JSON Schema (draft 2020-12) of one row of a fact
// table, generated from its Arrow schema. Timestamps are RFC 3339 text
// and decimals are text, so no digit of money is lost to a float.
func Contract(table string) ([]byte, error) {
	schema, err := transforms.SchemaOf(table)
	if err != nil {
		return nil, err
	}
	props := map[string]any{}
	var required []string
	for _, f := range schema.Fields() {
		props[f.Name] = fieldSchema(f)
		if !f.Nullable {
			required = append(required, f.Name)
		}
	}
	doc := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "evidencepack/" + ContractFile(table),
		"title":                table,
		"description":          fmt.Sprintf("One row of the %s fact table, version %d.", table, ContractVersion),
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode the contract of %s: %w", table, err)
	}
	return append(out, '\n'), nil
}

func fieldSchema(f arrow.Field) map[string]any {
	s := map[string]any{}
	switch t := f.Type.(type) {
	case *arrow.TimestampType:
		s["type"], s["format"] = "string", "date-time"
	case *arrow.Date32Type:
		s["type"], s["format"] = "string", "date"
	case *arrow.Decimal128Type:
		s["type"] = "string"
		s["pattern"] = fmt.Sprintf(`^-?[0-9]{1,%d}(\.[0-9]{1,%d})?$`, t.Precision-t.Scale, t.Scale)
	case *arrow.Float64Type:
		s["type"] = "number"
	case *arrow.BooleanType:
		s["type"] = "boolean"
	default:
		s["type"] = "string"
	}
	s["x-arrow-type"] = f.Type.String()
	if f.Nullable {
		s["type"] = []any{s["type"], "null"}
	}
	return s
}
