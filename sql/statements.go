package sql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
)

//go:embed tables/*.sql views/*.sql
var files embed.FS

// Statement is one rendered SQL statement and the table or view it creates.
type Statement struct {
	Name string
	SQL  string
}

// Tables renders the CREATE TABLE IF NOT EXISTS statements of the fact
// tables, the account dimensions and pack_settings.
func Tables(d Dialect) ([]Statement, error) {
	return renderDir(d, "tables")
}

// Views renders the CREATE OR REPLACE VIEW statements in dependency order:
// a view only reads tables and views that come before it.
func Views(d Dialect) ([]Statement, error) {
	return renderDir(d, "views")
}

// ViewsSHA256 returns the hex SHA-256 of the rendered views, each name and
// SQL text followed by a newline, in the order Views returns them.
func ViewsSHA256(d Dialect) (string, error) {
	views, err := Views(d)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, v := range views {
		fmt.Fprintf(h, "%s\n%s\n", v.Name, v.SQL)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// renderDir renders every .sql file of dir in file name order. A file is
// named NN_name.sql, where NN orders it and name is what it creates.
func renderDir(d Dialect, dir string) ([]Statement, error) {
	if err := d.validate(); err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, fmt.Errorf("read embedded %s: %w", dir, err)
	}
	var out []Statement
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		st, err := renderFile(d, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func renderFile(d Dialect, file string) (Statement, error) {
	name, err := statementName(path.Base(file))
	if err != nil {
		return Statement{}, err
	}
	text, err := files.ReadFile(file)
	if err != nil {
		return Statement{}, fmt.Errorf("read embedded %s: %w", file, err)
	}
	tmpl, err := template.New(file).Funcs(d.funcs()).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return Statement{}, fmt.Errorf("parse %s: %w", file, err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, nil); err != nil {
		return Statement{}, fmt.Errorf("render %s for %s: %w", file, d.Name, err)
	}
	return Statement{Name: name, SQL: strings.TrimSpace(buf.String()) + "\n"}, nil
}

// statementName turns "07_resolved_cases.sql" into "resolved_cases".
func statementName(base string) (string, error) {
	prefix, rest, ok := strings.Cut(strings.TrimSuffix(base, ".sql"), "_")
	if !ok || len(prefix) != 2 || strings.Trim(prefix, "0123456789") != "" || !isIdentifier(rest) {
		return "", fmt.Errorf("sql file %q is not named NN_name.sql", base)
	}
	return rest, nil
}
