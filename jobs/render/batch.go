package render

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	evsql "evidencepack/sql"
)

// batch is the state of building the packs of one period for many
// accounts. Every view is read once for the whole batch and its rows are
// split by account_id into packs.
type batch struct {
	period Period
	// dialect qualifies view names and writes the account filter.
	dialect evsql.Dialect
	// filter lists the requested account ids, bound as a list parameter of
	// every query. It is nil when every account of the accounts table is
	// requested, and the queries then read all accounts.
	filter []string
	packs  map[string]*Pack
	order  []*Pack
}

// BuildAll builds the packs of a period for every account of the accounts
// table, sorted by account id, with a fixed number of warehouse queries.
func BuildAll(ctx context.Context, db *sql.DB, periodLabel string, prov Provenance) ([]*Pack, error) {
	return buildBatch(ctx, db, nil, periodLabel, prov, true)
}

// BuildAccounts builds the packs of a period for the given accounts, in
// the order given and without repeats, with a fixed number of warehouse
// queries. An account missing from the accounts table is an error.
func BuildAccounts(ctx context.Context, db *sql.DB, accountIDs []string, periodLabel string, prov Provenance) ([]*Pack, error) {
	if accountIDs == nil {
		accountIDs = []string{}
	}
	return buildBatch(ctx, db, accountIDs, periodLabel, prov, true)
}

// buildBatch builds the packs of ids, or of every account when ids is nil.
// With materialize set, the views that packs read are first copied into
// TEMP tables for the period (see materializeViews); without it, every
// query reads the views as defined, which tests compare against.
func buildBatch(ctx context.Context, db *sql.DB, ids []string, periodLabel string, prov Provenance, materialize bool) ([]*Pack, error) {
	per, err := ParsePeriod(periodLabel)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("open warehouse connection: %w", err)
	}
	defer conn.Close()
	q := sqlQuerier{conn}
	dialect := evsql.DuckDB()
	settings, err := readSettings(ctx, q, dialect)
	if err != nil {
		return nil, err
	}
	b, accounts, err := newBatch(ctx, q, dialect, per, ids)
	if err != nil || len(accounts) == 0 {
		return nil, err
	}
	if materialize {
		drop, err := materializeViews(ctx, conn, per, b.filter)
		defer drop()
		if err != nil {
			return nil, err
		}
	}
	if err := b.fill(ctx, q, accounts, settings, prov); err != nil {
		return nil, err
	}
	return b.order, nil
}

// BuildAccountsFrom builds the packs of a period as BuildAccounts does,
// from any warehouse. Each query reads the views of src directly, with
// names qualified by src.Dialect, and no TEMP table is created. A nil
// accountIDs builds every account of the accounts table.
func BuildAccountsFrom(ctx context.Context, src Source, accountIDs []string, periodLabel string, prov Provenance) ([]*Pack, error) {
	per, err := ParsePeriod(periodLabel)
	if err != nil {
		return nil, err
	}
	settings, err := readSettings(ctx, src.Querier, src.Dialect)
	if err != nil {
		return nil, err
	}
	b, accounts, err := newBatch(ctx, src.Querier, src.Dialect, per, accountIDs)
	if err != nil || len(accounts) == 0 {
		return nil, err
	}
	if err := b.fill(ctx, src.Querier, accounts, settings, prov); err != nil {
		return nil, err
	}
	return b.order, nil
}

// newBatch reads the requested accounts and returns the batch with the
// account filter that its queries bind.
func newBatch(ctx context.Context, q Querier, d evsql.Dialect, per Period, ids []string) (*batch, []account, error) {
	all, err := readAccounts(ctx, q, d)
	if err != nil {
		return nil, nil, err
	}
	b := &batch{period: per, dialect: d, packs: map[string]*Pack{}}
	if ids == nil {
		return b, all, nil
	}
	byID := make(map[string]account, len(all))
	for _, a := range all {
		byID[a.ID] = a
	}
	var accounts []account
	seen := map[string]bool{}
	for _, id := range ids {
		a, ok := byID[id]
		if !ok {
			return nil, nil, fmt.Errorf("account %q not found in the accounts table: add it to the config", id)
		}
		if !seen[id] {
			seen[id] = true
			accounts = append(accounts, a)
			b.filter = append(b.filter, id)
		}
	}
	if len(seen) == len(byID) {
		b.filter = nil // every account is requested, so no query needs a filter
	}
	return b, accounts, nil
}

// fill creates a pack per account from its account_metrics row and then
// reads every list section for all accounts.
func (b *batch) fill(ctx context.Context, q Querier, accounts []account, s settings, prov Provenance) error {
	rows, err := readMetrics(ctx, q, b)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		m, found := rows[a.ID]
		if !found {
			m.Provisional = s.provisional(b.period)
			m.FeedbackIncorporated.Valid = a.LearningPermitted
		}
		p := newPack(a, b.period, m, prov)
		p.FinalAfter = s.finalAfter(b.period)
		p.ExpansionThresholds = s.Expansion
		b.packs[a.ID] = p
		b.order = append(b.order, p)
	}
	for _, read := range sectionReaders {
		if err := read(ctx, q, b); err != nil {
			return err
		}
	}
	return nil
}

// where returns the filter of a batch query and its arguments: the grain
// and the period as strings, and the requested accounts as one list
// parameter, which BigQuery receives as ARRAY<STRING>.
func (b *batch) where() (string, []any) {
	clause := "grain = ? AND period = ?"
	args := []any{b.period.Grain, b.period.Label}
	if b.filter != nil {
		if b.dialect.Name == evsql.BigQueryName {
			clause += " AND account_id IN UNNEST(?)"
		} else {
			clause += " AND account_id IN (SELECT unnest(?))"
		}
		args = append(args, slices.Clone(b.filter))
	}
	return clause, args
}

// eachRow runs query, a format with a %s for the name of view and then a
// %s for the filter of where, and calls scan on every row. Each scan reads
// account_id and appends the row to the pack of that account only,
// through b.pack.
func (b *batch) eachRow(ctx context.Context, q Querier, view, query string, scan func(Rows) error) error {
	table, err := b.dialect.Table(view)
	if err != nil {
		return err
	}
	clause, args := b.where()
	rows, err := q.Query(ctx, fmt.Sprintf(query, table, clause), args...)
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

// pack returns the pack of an account of the batch, or nil for a row of
// an account outside the batch, which the caller skips.
func (b *batch) pack(accountID string) *Pack {
	return b.packs[accountID]
}

// forEachPack calls set on every pack of the batch, to give list sections
// an empty list before rows are appended.
func (b *batch) forEachPack(set func(*Pack)) {
	for _, p := range b.order {
		set(p)
	}
}
