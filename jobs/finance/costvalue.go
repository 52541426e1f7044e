package finance

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"evidencepack/jobs/warehouse"
	evsql "evidencepack/sql"
)

// CostValueFile is the file name of the monthly cost and value rows in the
// period's finance directory.
const CostValueFile = "cost_value_by_month.csv"

var costValueHeader = []string{
	"period", "month", "account_id", "account_name", "currency",
	"billed_cost", "effective_cost", "credits",
	"verified_resolved_cases", "estimated_cost_avoided", "cost_per_verified_case",
	"provisional",
}

// monthCost is one cost_by_currency row of a month. Amounts are exact
// decimal text.
type monthCost struct {
	Billed, Effective, Credits string
}

// monthValue is one account_metrics row of a month.
type monthValue struct {
	VerifiedCases       int64
	CostAvoided         string
	CostPerVerifiedCase sql.NullString
}

// costValueData contains the accounts, costs and values that the finance
// CSV of a period is built from.
type costValueData struct {
	names      map[string]string // account name per account id
	currencies map[string]string // account currency per account id
	keys       []totalKey        // account and currency of each row group
	costs      map[string]map[totalKey]monthCost
	values     map[string]map[string]monthValue // per month and account
	dataEnd    time.Time                        // pack_settings.data_through
	windowDays int                              // pack_settings.verification_window_days
}

// WriteCostValue writes <outputDir>/finance/<period>/cost_value_by_month.csv
// from the warehouse views and returns its path. The file has one row per
// account, currency and month of the period, for every account of the
// accounts table in its own currency and for every account and currency
// with cost lines in the period. Value columns are set only in the
// account's own currency, so they are never counted twice.
func WriteCostValue(ctx context.Context, store Store, p Period, outputDir string) (string, error) {
	data, err := readCostValue(ctx, store, p)
	if err != nil {
		return "", err
	}
	return data.write(p, outputDir)
}

func (d *costValueData) write(p Period, outputDir string) (string, error) {
	path := filepath.Join(Dir(outputDir, p.Label), CostValueFile)
	return path, writeCSVAtomic(path, costValueHeader, d.records(p))
}

func readCostValue(ctx context.Context, store Store, p Period) (*costValueData, error) {
	d := &costValueData{names: map[string]string{}, currencies: map[string]string{},
		costs: map[string]map[totalKey]monthCost{}, values: map[string]map[string]monthValue{}}
	steps := []func(context.Context, Store, Period) error{
		d.readSettings, d.readAccounts, d.readCosts, d.readValues,
	}
	for _, step := range steps {
		if err := step(ctx, store, p); err != nil {
			return nil, err
		}
	}
	d.sortKeys()
	return d, nil
}

func (d *costValueData) readSettings(ctx context.Context, store Store, _ Period) error {
	found := false
	err := queryRows(ctx, store, "pack_settings", "finance_settings", nil, func(rows warehouse.Rows) error {
		if found {
			return nil // the table has one row; the first one counts
		}
		found = true
		return rows.Scan(&d.dataEnd, &d.windowDays)
	})
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%w, so pack_settings is empty", errNoRun)
	}
	return nil
}

func (d *costValueData) readAccounts(ctx context.Context, store Store, _ Period) error {
	return queryRows(ctx, store, "accounts", "finance_accounts", nil, func(rows warehouse.Rows) error {
		var id, name, currency string
		if err := rows.Scan(&id, &name, &currency); err != nil {
			return err
		}
		d.names[id], d.currencies[id] = name, currency
		d.keys = append(d.keys, totalKey{AccountID: id, Currency: currency})
		return nil
	})
}

func (d *costValueData) readCosts(ctx context.Context, store Store, p Period) error {
	return queryRows(ctx, store, "cost_by_currency", "month_costs", timeArgs(p), func(rows warehouse.Rows) error {
		var month string
		var k totalKey
		var c monthCost
		if err := rows.Scan(&month, &k.AccountID, &k.Currency, &c.Billed, &c.Effective, &c.Credits); err != nil {
			return err
		}
		if d.costs[month] == nil {
			d.costs[month] = map[totalKey]monthCost{}
		}
		d.costs[month][k] = c
		if !slices.Contains(d.keys, k) {
			d.keys = append(d.keys, k)
		}
		return nil
	})
}

func (d *costValueData) readValues(ctx context.Context, store Store, p Period) error {
	return queryRows(ctx, store, "account_metrics", "month_values", timeArgs(p), func(rows warehouse.Rows) error {
		var month, account string
		var v monthValue
		if err := rows.Scan(&month, &account, &v.VerifiedCases, &v.CostAvoided, &v.CostPerVerifiedCase); err != nil {
			return err
		}
		if d.values[month] == nil {
			d.values[month] = map[string]monthValue{}
		}
		d.values[month][account] = v
		return nil
	})
}

func (d *costValueData) sortKeys() {
	slices.SortFunc(d.keys, func(a, b totalKey) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Currency, b.Currency))
	})
}

// records returns the CSV rows: per account and currency, one row per
// month of the period, with zero cost in months without cost lines.
func (d *costValueData) records(p Period) [][]string {
	var out [][]string
	for _, k := range d.keys {
		for i, month := range p.Months() {
			monthEnd := p.Start.AddDate(0, i+1, 0)
			out = append(out, d.record(p.Label, month, monthEnd, k))
		}
	}
	return out
}

func (d *costValueData) record(period, month string, monthEnd time.Time, k totalKey) []string {
	c, ok := d.costs[month][k]
	if !ok {
		c = monthCost{Billed: "0", Effective: "0", Credits: "0"}
	}
	verified, avoided, perCase := "", "", ""
	if currency, known := d.currencies[k.AccountID]; known && currency == k.Currency {
		v, found := d.values[month][k.AccountID]
		if !found {
			v.CostAvoided = "0"
		}
		verified, avoided = strconv.FormatInt(v.VerifiedCases, 10), exactText(v.CostAvoided)
		perCase = exactText(v.CostPerVerifiedCase.String)
	}
	provisional := d.dataEnd.Before(monthEnd.AddDate(0, 0, d.windowDays))
	return []string{
		period, month, SafeText(k.AccountID), SafeText(d.names[k.AccountID]), SafeText(k.Currency),
		exactText(c.Billed), exactText(c.Effective), exactText(c.Credits),
		verified, avoided, perCase, strconv.FormatBool(provisional),
	}
}

// queryRows runs the query sql/queries/<name>.sql, which reads view, and
// calls scan on every row.
func queryRows(ctx context.Context, store Store, view, name string, args []any, scan func(warehouse.Rows) error) error {
	query, err := evsql.Query(store.Dialect, name)
	if err != nil {
		return err
	}
	rows, err := store.Querier.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("query %s: %w", view, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("scan %s: %w", view, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query %s: %w", view, err)
	}
	return nil
}

// timeArgs returns the bounds of a period as timestamp text, which the
// queries cast, so no session time zone shifts them.
func timeArgs(p Period) []any {
	const layout = "2006-01-02 15:04:05"
	return []any{p.Start.Format(layout), p.End.Format(layout)}
}
