package render

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strconv"
	"time"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// pageTemplates are the HTML pack and index templates. html/template
// escapes every value from the data, so account names and ids cannot
// inject markup or script.
var pageTemplates = template.Must(template.New("pages").Funcs(templateFuncs).ParseFS(templateFiles, "templates/*.tmpl"))

var templateFuncs = template.FuncMap{
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
}

// encodeHTML renders the self-contained HTML page of a pack.
func encodeHTML(p *Pack) ([]byte, error) {
	page, err := newHTMLPage(p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, "pack", page); err != nil {
		return nil, fmt.Errorf("encode html: %w", err)
	}
	return buf.Bytes(), nil
}

// shortHash returns the first 12 characters of a hash for headers; the
// full hash is printed in the provenance section.
func shortHash(h string) string {
	if len(h) <= 12 {
		return h
	}
	return h[:12] + "…"
}

// incidentStamp shows an RFC 3339 incident time as "2026-07-01 02:00",
// or "open" when it is empty.
func incidentStamp(s string) string {
	if s == "" {
		return "open"
	}
	t, err := time.Parse(incidentTimeLayout, s)
	if err != nil {
		return s
	}
	return t.Format("2006-01-02 15:04")
}
