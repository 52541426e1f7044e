package render

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	evsql "evidencepack/sql"
)

// settings is the pack_settings row that the views read.
type settings struct {
	VerificationWindowDays int64
	DataThrough            sql.NullTime
	Expansion              ExpansionThresholds
}

// readSettings reads pack_settings, which must contain exactly one row,
// because without it the views that join it return nothing and every pack
// would silently be empty.
func readSettings(ctx context.Context, q Querier, d evsql.Dialect) (settings, error) {
	table, err := d.Table("pack_settings")
	if err != nil {
		return settings{}, err
	}
	var count int64
	if err := queryRow(ctx, q, "SELECT COUNT(*) FROM "+table, nil, &count); err != nil {
		return settings{}, fmt.Errorf("query pack_settings: %w", err)
	}
	if count != 1 {
		return settings{}, fmt.Errorf("pack_settings has %d rows, want exactly 1: the run fills it before rendering", count)
	}
	var s settings
	var accuracy, growth nullFloat
	e := &s.Expansion
	err = queryRow(ctx, q, "SELECT verification_window_days, data_through, min_reviewed_cases, min_review_accuracy, "+
		"max_sev1_incidents, max_incidents, min_usage_growth FROM "+table, nil,
		&s.VerificationWindowDays, &s.DataThrough, &e.MinReviewedCases, &accuracy,
		&e.MaxSev1Incidents, &e.MaxIncidents, &growth)
	if err != nil {
		return settings{}, fmt.Errorf("query pack_settings: %w", err)
	}
	e.MinReviewAccuracy, e.MinUsageGrowth = formatPercent(accuracy), formatPercent(growth)
	return s, nil
}

// provisional reports whether the verification window of the period's last
// resolutions is still open at data_through, by the rule of the
// account_metrics view. An unknown data_through counts as open.
func (s settings) provisional(p Period) bool {
	if !s.DataThrough.Valid {
		return true
	}
	closes := p.End.Add(time.Duration(s.VerificationWindowDays) * 24 * time.Hour)
	return s.DataThrough.Time.Before(closes)
}
