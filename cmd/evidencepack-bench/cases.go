package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// benchCase is one source kind and format: how to generate its input,
// the source entry of the evidencepack config, and the DuckDB query that
// does the equivalent typed conversion.
type benchCase struct {
	name     string
	generate func(ctx context.Context, dir string, rows int) error
	source   string // YAML of the one source, with INPUT for the input folder
	duckdb   string // SELECT over the input, with INPUT for the input folder
}

var cases = []benchCase{
	{name: "usage-csv", generate: genUsageCSV, source: usageCSVSource, duckdb: usageCSVQuery},
	{name: "usage-jsonl", generate: genUsageJSONL, source: usageJSONLSource, duckdb: usageJSONLQuery},
	{name: "labels", generate: genLabels, source: labelsSource, duckdb: labelsQuery},
	{name: "costs", generate: genCosts, source: costsSource, duckdb: costsQuery},
	{name: "incidents", generate: genIncidents, source: incidentsSource, duckdb: incidentsQuery},
}

func caseNamed(name string) (benchCase, error) {
	for _, c := range cases {
		if c.name == name {
			return c, nil
		}
	}
	return benchCase{}, fmt.Errorf("unknown case %q", name)
}

const usageCSVSource = `
  - name: usage_csv
    kind: usage
    format: csv
    paths: [INPUT/usage.csv]
    fields:
      event_id: id
      occurred_at: ts
      account_id: account
      workflow: workflow
      case_id: case
      user_id: user
      event_type: type
      autonomy_level: autonomy
      handle_time_seconds: seconds
`

const usageCSVQuery = `SELECT id AS event_id, CAST(ts AS TIMESTAMP) AS occurred_at, account AS account_id,
  workflow, "case" AS case_id, "user" AS user_id, type AS event_type, autonomy AS autonomy_level,
  CAST(seconds AS DOUBLE) AS handle_time_seconds, CAST(CAST(ts AS TIMESTAMP) AS DATE) AS dt
FROM read_csv('INPUT/usage.csv', header = true, all_varchar = true)`

const usageJSONLSource = `
  - name: usage_jsonl
    kind: usage
    format: segment
    paths: [INPUT/usage.jsonl]
    event_types:
      Case Opened: case_opened
      Case Resolved: case_resolved
      Case Escalated: case_escalated
      Case Reopened: case_reopened
      Suggestion Accepted: suggestion_accepted
`

const usageJSONLQuery = `SELECT messageId AS event_id, CAST("timestamp" AS TIMESTAMP) AS occurred_at,
  properties.account_id AS account_id, properties.workflow AS workflow, properties.case_id AS case_id,
  userId AS user_id, event AS event_type, properties.autonomy_level AS autonomy_level,
  CAST(properties.handle_time_seconds AS DOUBLE) AS handle_time_seconds,
  CAST(CAST("timestamp" AS TIMESTAMP) AS DATE) AS dt
FROM read_json('INPUT/usage.jsonl', format = 'newline_delimited')`

const labelsSource = `
  - name: labels
    kind: labels
    format: labelstudio
    paths: [INPUT/labels/*.json]
    verdicts:
      Correct: correct
      Partially correct: partially_correct
      Incorrect: incorrect
`

const labelsQuery = `SELECT CAST(a.id AS VARCHAR) AS label_id, CAST(a.created_at AS TIMESTAMP) AS labeled_at,
  CAST(a.updated_at AS TIMESTAMP) AS updated_at, data.account_id AS account_id, data.workflow AS workflow,
  data.case_id AS case_id, CAST(a.completed_by AS VARCHAR) AS reviewer_id,
  a.result[1].value.choices[1] AS verdict, CAST(CAST(a.created_at AS TIMESTAMP) AS DATE) AS dt
FROM (SELECT data, unnest(annotations) AS a
      FROM read_json('INPUT/labels/*.json', format = 'array', maximum_object_size = 1073741824))`

const costsSource = `
  - name: costs
    kind: costs
    format: focus
    paths: [INPUT/costs.csv]
    attribution:
      tag_key: customer
`

const costsQuery = `SELECT sha256(concat_ws(',', BilledCost, ChargePeriodStart, ConsumedQuantity, SubAccountId, Tags)) AS line_id,
  CAST(ChargePeriodStart AS TIMESTAMP) AS charge_period_start, CAST(ChargePeriodEnd AS TIMESTAMP) AS charge_period_end,
  json_extract_string(Tags, '$.customer') AS account_id, ProviderName AS provider, ServiceName AS service,
  SkuId AS sku, ChargeCategory AS charge_category, CAST(ConsumedQuantity AS DECIMAL(38, 18)) AS consumed_quantity,
  ConsumedUnit AS consumed_unit, CAST(BilledCost AS DECIMAL(38, 18)) AS billed_cost,
  CAST(EffectiveCost AS DECIMAL(38, 18)) AS effective_cost, BillingCurrency AS currency,
  CAST(CAST(ChargePeriodStart AS TIMESTAMP) AS DATE) AS dt
FROM read_csv('INPUT/costs.csv', header = true, all_varchar = true)`

const incidentsSource = `
  - name: incidents
    kind: incidents
    format: pagerduty
    paths: [INPUT/incidents/*.json]
    fields:
      account_id: service.summary
      workflow: incident_type.name
    severities:
      P1: sev1
      P2: sev2
      P3: sev3
      P4: sev4
`

const incidentsQuery = `SELECT i.id AS incident_id, i.service.summary AS account_id, i.priority.summary AS severity,
  CAST(i.created_at AS TIMESTAMP) AS opened_at, CAST(i.acknowledgements[1].at AS TIMESTAMP) AS acknowledged_at,
  CAST(i.resolved_at AS TIMESTAMP) AS resolved_at, i.status AS status, i.title AS title,
  i.service.summary AS service, i.incident_type.name AS workflow,
  CAST(CAST(i.created_at AS TIMESTAMP) AS DATE) AS dt
FROM (SELECT unnest(incidents) AS i
      FROM read_json('INPUT/incidents/*.json', maximum_object_size = 1073741824))`

// configYAML returns the evidencepack config of case c reading from
// input and writing under output.
func configYAML(c benchCase, input, output string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "time_zone: UTC\nlookback_days: 0\noutput_dir: %s\n", output)
	fmt.Fprintf(&b, "warehouse:\n  kind: duckdb\n  path: %s\n", filepath.Join(output, "warehouse.duckdb"))
	b.WriteString("accounts:\n")
	for i := range benchAccounts {
		fmt.Fprintf(&b, "  - id: %s\n    name: Account %02d\n    currency: USD\n    workflows:\n", accountID(i), i)
		fmt.Fprintf(&b, "      - name: %s\n        baseline_handle_time_seconds: 1200\n", workflows[i%len(workflows)])
		b.WriteString("        baseline_reopen_rate: 0.1\n        hourly_cost_rate: \"50.00\"\n        autonomy_level: draft\n")
	}
	b.WriteString("sources:")
	b.WriteString(strings.ReplaceAll(c.source, "INPUT", input))
	return b.String()
}

// copyStatement returns the DuckDB COPY of case c's query to a zstd
// Parquet file.
func copyStatement(c benchCase, input, output string) string {
	query := strings.ReplaceAll(c.duckdb, "INPUT", input)
	return fmt.Sprintf("COPY (%s) TO '%s' (FORMAT parquet, COMPRESSION zstd)", query, output)
}
