package render

import (
	"context"
	"strconv"
	"time"
)

// maxFeedbackLabels is how many incorporated labels a pack lists, the
// latest first. FeedbackLabels.Total counts all of them.
const maxFeedbackLabels = 50

// FeedbackLabels lists the review labels of the period whose feedback an
// eval case or fix used, for an account that permits learning from its
// data. Labels holds at most maxFeedbackLabels of the Total, the latest
// labeled_at first.
type FeedbackLabels struct {
	Total  int64           `yaml:"total" json:"total"`
	Listed int             `yaml:"listed" json:"listed"`
	Labels []FeedbackLabel `yaml:"labels" json:"labels"`
}

// FeedbackLabel is one incorporated review label. LabeledAt is UTC in RFC
// 3339 with whole seconds.
type FeedbackLabel struct {
	LabelID        string `yaml:"label_id" json:"label_id"`
	CaseID         string `yaml:"case_id" json:"case_id"`
	Workflow       string `yaml:"workflow" json:"workflow"`
	Verdict        string `yaml:"verdict" json:"verdict"`
	IncorporatedAs string `yaml:"incorporated_as" json:"incorporated_as"`
	LabeledAt      string `yaml:"labeled_at" json:"labeled_at"`
}

// readFeedbackLabels lists the incorporated labels of the accounts that
// permit learning. The accounts table filter keeps the labels of other
// accounts out of the result, and their packs keep a nil list.
func readFeedbackLabels(ctx context.Context, q Querier, b *batch) error {
	b.forEachPack(func(p *Pack) {
		if p.FeedbackIncorporated != nil {
			p.FeedbackIncorporatedLabels = &FeedbackLabels{Labels: []FeedbackLabel{}}
		}
	})
	accounts, err := b.dialect.Table("accounts")
	if err != nil {
		return err
	}
	query := `
SELECT account_id, label_id, case_id, workflow, verdict, incorporated_as, labeled_at, total
FROM (
  SELECT account_id, COALESCE(label_id, '') AS label_id, COALESCE(case_id, '') AS case_id,
    COALESCE(workflow, '') AS workflow, COALESCE(verdict, '') AS verdict, incorporated_as, labeled_at,
    COUNT(*) OVER (PARTITION BY account_id) AS total,
    ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY labeled_at DESC, label_id DESC) AS position
  FROM %s
  WHERE %s AND incorporated_as IS NOT NULL
    AND account_id IN (SELECT account_id FROM ` + accounts + ` WHERE learning_permitted)
) AS ranked
WHERE position <= ` + strconv.Itoa(maxFeedbackLabels) + `
ORDER BY account_id, labeled_at DESC, label_id DESC`
	return b.eachRow(ctx, q, "review_label_periods", query, func(rows Rows) error {
		var id string
		var l FeedbackLabel
		var labeled time.Time
		var total int64
		if err := rows.Scan(&id, &l.LabelID, &l.CaseID, &l.Workflow, &l.Verdict, &l.IncorporatedAs, &labeled, &total); err != nil {
			return err
		}
		pack := b.pack(id)
		if pack == nil || pack.FeedbackIncorporatedLabels == nil {
			return nil
		}
		l.LabeledAt = labeled.UTC().Format(incidentTimeLayout)
		list := pack.FeedbackIncorporatedLabels
		list.Total = total
		list.Labels = append(list.Labels, l)
		list.Listed = len(list.Labels)
		return nil
	})
}
