package sql

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

// queryFiles holds the read queries that code outside the views runs, such
// as the totals of reconcile. Each file is queries/<name>.sql, a template
// with the functions of the views and text. Its header is a template
// comment, so the rendered SQL starts with the statement.
//
//go:embed queries/*.sql
var queryFiles embed.FS

// Query renders the read query queries/<name>.sql for the dialect. Its
// values are bound as positional ? parameters by the caller, so no value
// is part of the text.
func Query(d Dialect, name string) (string, error) {
	if err := d.validate(); err != nil {
		return "", err
	}
	if !isIdentifier(name) {
		return "", fmt.Errorf("invalid query name %q", name)
	}
	file := "queries/" + name + ".sql"
	text, err := queryFiles.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("no query %q: %w", name, err)
	}
	funcs := d.funcs()
	funcs["text"] = d.text
	tmpl, err := template.New(file).Funcs(funcs).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", file, err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, nil); err != nil {
		return "", fmt.Errorf("render %s for %s: %w", file, d.Name, err)
	}
	return strings.TrimSpace(buf.String()), nil
}

// text casts an expression to the dialect's string type. A DECIMAL or
// BIGNUMERIC value becomes exact decimal text, whose trailing zeros may
// differ between the dialects, so callers parse it as a decimal.
func (d Dialect) text(expr string) string {
	if d.bigQuery() {
		return fmt.Sprintf("CAST(%s AS STRING)", expr)
	}
	return fmt.Sprintf("CAST(%s AS VARCHAR)", expr)
}
