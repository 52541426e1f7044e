package render

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// indexPage is the data of the per-period index template.
type indexPage struct {
	Period     string
	Provenance Provenance
	Formulas   map[string]string
	Rows       []indexRow
}

// indexRow is one account's headline figures. Each cell carries a sort
// key: the number behind the display text, or the text itself.
type indexRow struct {
	Pack  *Pack
	Href  string
	Cells []indexCell
}

type indexCell struct {
	Text    string
	SortKey string
	Class   string
	Formula string
}

// WriteIndex writes <dir>/<period>/index.html, a table of every pack of
// the period sorted by account name that links to each account's HTML
// pack, and returns its path.
func WriteIndex(dir, periodLabel string, packs []*Pack) (string, error) {
	if _, err := ParsePeriod(periodLabel); err != nil {
		return "", err
	}
	data, err := encodeIndex(periodLabel, packs)
	if err != nil {
		return "", err
	}
	outDir := filepath.Join(dir, periodLabel)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", fmt.Errorf("create pack directory: %w", err)
	}
	path := filepath.Join(outDir, "index.html")
	return path, writeAtomic(path, data)
}

func encodeIndex(periodLabel string, packs []*Pack) ([]byte, error) {
	page := indexPage{Period: periodLabel, Formulas: formulas()}
	packs = slices.Clone(packs)
	slices.SortFunc(packs, func(a, b *Pack) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Account), strings.ToLower(b.Account)), strings.Compare(a.AccountID, b.AccountID))
	})
	for _, p := range packs {
		if p.Period != periodLabel {
			return nil, fmt.Errorf("pack of %s is for period %s, not %s", p.AccountID, p.Period, periodLabel)
		}
		if err := checkFileName(p.AccountID); err != nil {
			return nil, err
		}
		page.Provenance = p.Provenance
		page.Rows = append(page.Rows, newIndexRow(p, page.Formulas))
	}
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, "index", page); err != nil {
		return nil, fmt.Errorf("encode index: %w", err)
	}
	return buf.Bytes(), nil
}

func newIndexRow(p *Pack, f map[string]string) indexRow {
	status := indexCell{Text: "final", SortKey: "final", Formula: f["provisional"]}
	if p.Provisional {
		status.Text = "provisional until " + p.FinalAfter
		status.SortKey, status.Class = status.Text, "status-provisional"
	}
	total, perCase := figureCell(p.Cost.Total, f["cost_total"]), figureCell(p.Cost.CostPerVerifiedCase, f["cost_per_verified_case"])
	if p.Cost.Lines == 0 {
		total.Text, total.SortKey, perCase = "no cost lines", "-Infinity", figureCell(notAvailable, perCase.Formula)
	}
	return indexRow{Pack: p, Href: url.PathEscape(p.AccountID) + ".html", Cells: []indexCell{
		countCell(p.WorkPerformed.VerifiedResolvedCases, f["verified_resolved_cases"]),
		figureCell(p.Value.HandleTimeReduction, f["handle_time_reduction"]),
		figureCell(p.Quality.ReviewAccuracy, f["review_accuracy"]),
		countCell(p.Adoption.ActiveUsers, f["active_users"]),
		total,
		{Text: p.Cost.Currency, SortKey: p.Cost.Currency},
		perCase,
		countCell(p.Trust.Incidents, f["incidents"]),
		status,
	}}
}

func countCell(n int64, formula string) indexCell {
	return indexCell{Text: strconv.FormatInt(n, 10), SortKey: strconv.FormatInt(n, 10), Class: "num", Formula: formula}
}

// figureCell sorts a display figure by its number; n/a sorts below every
// number.
func figureCell(text, formula string) indexCell {
	c := indexCell{Text: text, SortKey: "-Infinity", Class: "num", Formula: formula}
	if v, ok := chartNumber(text); ok {
		c.SortKey = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return c
}
