package render

import (
	"bytes"
	"context"
	"html/template"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// referenceTemplates are the html/template templates that rendered pack
// pages before htmlWriter. testdata/templates holds the pack and chart
// templates, and the style template is the one the index page uses.
var referenceTemplates = template.Must(template.Must(template.New("reference").Funcs(template.FuncMap{
	"px":         func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"add":        func(a, b float64) float64 { return a + b },
	"sub":        func(a, b float64) float64 { return a - b },
	"date":       func(t time.Time) string { return t.Format("2 Jan 2006") },
	"lastDay":    func(p Period) time.Time { return p.LastDay() },
	"short":      shortHash,
	"stamp":      incidentStamp,
	"severity":   severityClass,
	"level":      levelChange,
	"evidence":   candidateEvidence,
	"thresholds": thresholdsText,
	"listed":     feedbackListedText,
}).ParseFS(templateFiles, "templates/style.tmpl")).ParseGlob("testdata/templates/*.tmpl"))

// encodeHTMLReference renders the page of a pack with referenceTemplates.
func encodeHTMLReference(t *testing.T, p *Pack) []byte {
	t.Helper()
	page, err := newHTMLPage(p)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := referenceTemplates.ExecuteTemplate(&buf, "pack", page); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkHTMLMatchesReference fails when encodeHTML and the reference
// templates render p differently, and shows the first difference.
func checkHTMLMatchesReference(t *testing.T, name string, p *Pack) {
	t.Helper()
	got, err := encodeHTML(p)
	if err != nil {
		t.Fatal(err)
	}
	want := encodeHTMLReference(t, p)
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-200, 0)
	t.Errorf("%s: html differs from the template at byte %d\n got: %q\nwant: %q",
		name, i, got[from:min(i+200, len(got))], want[from:min(i+200, len(want))])
}

func TestHTMLMatchesTemplateOnViewCases(t *testing.T) {
	cases := []struct{ fixture, account, period string }{
		{"handle_time", "acme", "2026-Q3"},
		{"costs", "acme", "2026-Q3"},
		{"costs", "beta", "2026-Q3"},
		{"costs", "gamma", "2026-08"},
		{"incidents", "acme", "2026-07"},
		{"reviews", "acme", "2026-Q3"},
		{"adoption", "acme", "2026-Q3"},
		{"expansion", "acme", "2026-Q3"},
	}
	for _, c := range cases {
		db := openCase(t, c.fixture)
		p := buildPack(t, db, c.account, c.period)
		checkHTMLMatchesReference(t, c.fixture+"/"+c.account+"/"+c.period, p)
	}
}

func TestHTMLMatchesTemplateOnSyntheticPacks(t *testing.T) {
	db := openSynthetic(t, 24)
	for _, period := range []string{"2026-Q3", "2026-08"} {
		packs, err := BuildAll(context.Background(), db, period, testProvenance)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range packs {
			checkHTMLMatchesReference(t, p.AccountID+"/"+period, p)
		}
	}
}

func TestHTMLMatchesTemplateOnRandomPacks(t *testing.T) {
	for seed := range uint64(400) {
		p := randomPack(seed)
		checkHTMLMatchesReference(t, "seed "+strconv.FormatUint(seed, 10), p)
	}
}

func FuzzHTMLMatchesTemplate(f *testing.F) {
	f.Add(uint64(1), "<a href='x'>&amp;+\x00", "€ 12.5%")
	f.Fuzz(func(t *testing.T, seed uint64, a, b string) {
		p := randomPack(seed)
		p.Account, p.Cost.Currency = a, b
		if len(p.Value.Trend) > 0 {
			p.Value.Trend[0].HandleTimeReduction = b
		}
		checkHTMLMatchesReference(t, "fuzz", p)
	})
}

// randomStrings are the pieces of the strings of randomPack: markup and
// the bytes that html/template escapes, invalid UTF-8, figures that
// charts read as numbers and text that they do not.
var randomStrings = []string{
	"", "a", "Acme & Sons", "<b>", "</title>", `"`, "'", "+", "\x00", "\xff\xfe", "€", "£", "→", "#", "%", "%2F",
	" ", "\n", "n/a", "12.5%", "-3.25%", "$1234.56", "-$8.98", "€0.00", "CHF 5.00", "7", "0", "-11.8pp", "1e3",
	"2026-07-01T02:00:00Z", "2026-08-03T08:00:00Z", "javascript:alert(1)", "formula-x", "sev1", "sev9",
}

// randomPack returns a pack whose fields are set from seed: strings made
// of randomStrings, lists of zero to four items, any integer sign and
// both booleans. Its period is a valid label, because pages need one.
func randomPack(seed uint64) *Pack {
	r := rand.New(rand.NewPCG(seed, 7))
	p := &Pack{}
	fillRandom(r, reflect.ValueOf(p).Elem())
	p.Period = []string{"2026-Q3", "2026-07", "2026-Q1", "2025-12"}[r.IntN(4)]
	return p
}

func fillRandom(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		var s string
		for range r.IntN(4) {
			s += randomStrings[r.IntN(len(randomStrings))]
		}
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		v.SetInt(r.Int64N(2001) - 1000)
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Pointer:
		if r.IntN(3) == 0 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fillRandom(r, v.Elem())
	case reflect.Slice:
		n := r.IntN(5)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fillRandom(r, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		keys := []string{"verified_resolved_cases", "handle_time_reduction", "cost_total", "incidents", "review_accuracy", "a&b"}
		for _, k := range keys {
			if r.IntN(4) > 0 {
				value := reflect.New(v.Type().Elem()).Elem()
				fillRandom(r, value)
				m.SetMapIndex(reflect.ValueOf(k), value)
			}
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			fillRandom(r, v.Field(i))
		}
	}
}
