package render

import (
	"fmt"
	"sort"
)

// htmlPage is the data of the HTML pack template.
type htmlPage struct {
	Pack      *Pack
	Period    Period
	Headline  []figure
	Work      []figure
	Value     []figure
	Quality   []figure
	Adoption  []figure
	Cost      []figure
	Trust     []figure
	Audit     []figure
	Charts    htmlCharts
	Footnotes []footnote
	Empty     emptyText
}

// figure is one number of the page with the formula behind it. Note is
// the footnote number, 0 for a figure without a formula.
type figure struct {
	Label   string
	Value   string
	Formula string
	Note    int
	Anchor  string
}

type footnote struct {
	Number  int
	Anchor  string
	Key     string
	Formula string
}

// emptyText is the sentence shown for each section without rows, or ""
// when the section has data.
type emptyText struct {
	Reviews   string
	Costs     string
	Incidents string
}

// newHTMLPage assembles the page from the pack alone, so a pack read back
// from its JSON renders the same page.
func newHTMLPage(p *Pack) (*htmlPage, error) {
	per, err := ParsePeriod(p.Period)
	if err != nil {
		return nil, err
	}
	notes := newFootnotes(p.Formulas)
	fig := figureMaker(p.Formulas, notes)
	page := &htmlPage{Pack: p, Period: per, Footnotes: notes}
	page.Headline = headlineFigures(p, fig)
	page.Work, page.Value = workFigures(p, fig), valueFigures(p, fig)
	page.Quality, page.Adoption = qualityFigures(p, fig), adoptionFigures(p, fig)
	page.Cost, page.Trust = costFigures(p, fig), trustFigures(p, fig)
	page.Audit = auditFigures(p, fig)
	page.Charts = newHTMLCharts(p, per)
	page.Empty = newEmptyText(p)
	return page, nil
}

// newFootnotes numbers the formulas in key order.
func newFootnotes(formulas map[string]string) []footnote {
	keys := make([]string, 0, len(formulas))
	for k := range formulas {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	notes := make([]footnote, len(keys))
	for i, k := range keys {
		notes[i] = footnote{Number: i + 1, Anchor: "formula-" + k, Key: k, Formula: formulas[k]}
	}
	return notes
}

// figureMaker returns a constructor of figures whose formula and footnote
// come from the formula key; an empty key gives a figure without either.
func figureMaker(formulas map[string]string, notes []footnote) func(label, value, key string) figure {
	numbers := make(map[string]int, len(notes))
	for _, n := range notes {
		numbers[n.Key] = n.Number
	}
	return func(label, value, key string) figure {
		f := figure{Label: label, Value: value}
		if number, ok := numbers[key]; ok {
			f.Formula, f.Note, f.Anchor = formulas[key], number, "formula-"+key
		}
		return f
	}
}

func count(n int64) string { return fmt.Sprint(n) }

func newEmptyText(p *Pack) emptyText {
	var e emptyText
	if p.Quality.ReviewedCases == 0 {
		e.Reviews = noReviewLabels
	}
	if p.Cost.Lines == 0 {
		e.Costs = noCostLinesText(p.Cost)
	}
	if p.Trust.Incidents == 0 {
		e.Incidents = noIncidents
	}
	return e
}
