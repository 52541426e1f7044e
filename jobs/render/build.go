package render

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Build reads the views for one account and period ("2026-07" or
// "2026-Q3") and assembles its pack. Values are bound as query parameters.
// An account without facts in the period gets a pack of zeros.
func Build(ctx context.Context, db *sql.DB, accountID, periodLabel string, prov Provenance) (*Pack, error) {
	per, err := parsePeriod(periodLabel)
	if err != nil {
		return nil, err
	}
	settings, err := readSettings(ctx, db)
	if err != nil {
		return nil, err
	}
	acct, err := readAccount(ctx, db, accountID)
	if err != nil {
		return nil, err
	}
	m, found, err := readMetrics(ctx, db, per, accountID)
	if err != nil {
		return nil, err
	}
	if !found {
		m.Provisional = settings.provisional(per)
		m.FeedbackIncorporated.Valid = acct.LearningPermitted
	}
	p := newPack(acct, per, m, prov)
	p.FinalAfter = settings.finalAfter(per)
	for _, read := range sectionReaders {
		if err := read(ctx, db, per, p, acct.Currency); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sectionReaders fill the list sections of a pack, each from one view.
var sectionReaders = []func(context.Context, *sql.DB, period, *Pack, string) error{
	readTrend,
	readFailureCategories,
	readServiceCosts,
	readOtherCurrencies,
	readCandidates,
	readDataQualityNotes,
	readWorkflowQuality,
	readIncidentLog,
	readCostLines,
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

func readAccount(ctx context.Context, db *sql.DB, id string) (account, error) {
	var name, currency nullString
	var learning bool
	err := db.QueryRowContext(ctx,
		"SELECT name, currency, COALESCE(learning_permitted, FALSE) FROM accounts WHERE account_id = ?", id).
		Scan(&name, &currency, &learning)
	if errors.Is(err, sql.ErrNoRows) {
		return account{}, fmt.Errorf("account %q not found in the accounts table: add it to the config", id)
	}
	if err != nil {
		return account{}, fmt.Errorf("query accounts: %w", err)
	}
	return account{ID: id, Name: name.String, Currency: currency.String, LearningPermitted: learning}, nil
}
