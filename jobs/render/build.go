package render

import (
	"context"
	"database/sql"
	"fmt"

	evsql "evidencepack/sql"
)

// Build reads the views for one account and period ("2026-07" or
// "2026-Q3") and assembles its pack. It is BuildAccounts with one account.
// Values are bound as query parameters. An account without facts in the
// period gets a pack of zeros.
func Build(ctx context.Context, db *sql.DB, accountID, periodLabel string, prov Provenance) (*Pack, error) {
	packs, err := BuildAccounts(ctx, db, []string{accountID}, periodLabel, prov)
	if err != nil {
		return nil, err
	}
	return packs[0], nil
}

// sectionReaders fill the list sections of the packs of a batch, each
// from one query of one view.
var sectionReaders = []func(context.Context, Querier, *batch) error{
	readTrend,
	readFailureCategories,
	readServiceCosts,
	readCurrencyCosts,
	readCandidates,
	readDataQualityNotes,
	noteEmptyPeriods, // after readDataQualityNotes, which resets the notes
	readWorkflowQuality,
	readIncidentLog,
	readFeedbackLabels,
}

// Accounts returns the ids of the accounts table, sorted.
func Accounts(ctx context.Context, db *sql.DB) ([]string, error) {
	return queryStrings(ctx, db, "accounts", "SELECT account_id FROM accounts ORDER BY account_id")
}

// Periods returns the periods of a grain ("month" or "quarter") in which
// the account has any fact, sorted.
func Periods(ctx context.Context, db *sql.DB, accountID, grain string) ([]string, error) {
	if grain != "month" && grain != "quarter" {
		return nil, fmt.Errorf("invalid period grain %q: use month or quarter", grain)
	}
	return queryStrings(ctx, db, "account_periods",
		"SELECT period FROM account_periods WHERE account_id = ? AND grain = ? ORDER BY period",
		accountID, grain)
}

func queryStrings(ctx context.Context, db *sql.DB, view, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", view, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("scan %s: %w", view, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query %s: %w", view, err)
	}
	return out, nil
}

// account is the accounts row of a pack.
type account struct {
	ID                string
	Name              string
	Currency          string
	LearningPermitted bool
}

// readAccounts reads every row of the accounts table, sorted by id.
func readAccounts(ctx context.Context, q Querier, d evsql.Dialect) ([]account, error) {
	table, err := d.Table("accounts")
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx,
		"SELECT account_id, name, currency, COALESCE(learning_permitted, FALSE) FROM "+table+" ORDER BY account_id")
	if err != nil {
		return nil, fmt.Errorf("query accounts: %w", err)
	}
	defer rows.Close()
	var out []account
	for rows.Next() {
		var a account
		var name, currency nullString
		if err := rows.Scan(&a.ID, &name, &currency, &a.LearningPermitted); err != nil {
			return nil, fmt.Errorf("scan accounts: %w", err)
		}
		a.Name, a.Currency = name.String, currency.String
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query accounts: %w", err)
	}
	return out, nil
}
