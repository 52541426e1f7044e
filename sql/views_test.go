package sql

import (
	"context"
	gosql "database/sql"
	"encoding/csv"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/shopspring/decimal"
)

// TestViewCases runs every case under testdata/views. A case directory has
// input.sql, which fills the tables, and pairs of NAME.sql (a query on the
// views) and NAME.csv (its expected rows with a header). Expected values
// are computed by hand; decimals are written exactly, floats rounded to 6
// fractional digits, NULL as an empty cell.
func TestViewCases(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "views", "*", "input.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no view cases under testdata/views")
	}
	for _, input := range cases {
		dir := filepath.Dir(input)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			db := openDuckDB(t)
			loadInput(t, db, input)
			queries, err := filepath.Glob(filepath.Join(dir, "*.sql"))
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range queries {
				if q == input {
					continue
				}
				checkQuery(t, db, q, strings.TrimSuffix(q, ".sql")+".csv")
			}
		})
	}
}

func loadInput(t *testing.T, db *gosql.DB, path string) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), string(text)); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
}

func checkQuery(t *testing.T, db *gosql.DB, queryPath, csvPath string) {
	t.Helper()
	query, err := os.ReadFile(queryPath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := queryCells(db, string(query))
	if err != nil {
		t.Fatalf("%s: %v", queryPath, err)
	}
	want, err := readCSV(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(queryPath)
	if len(got) != len(want) {
		t.Errorf("%s: %d rows with header, want %d\ngot  %q\nwant %q", name, len(got), len(want), got, want)
		return
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("%s row %d\ngot  %q\nwant %q", name, i, got[i], want[i])
		}
	}
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	return r.ReadAll()
}

// queryCells runs a query and returns its header and rows as text.
func queryCells(db *gosql.DB, query string) ([][]string, error) {
	rows, err := db.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := [][]string{columns}
	for rows.Next() {
		values := make([]any, len(columns))
		pointers := make([]any, len(columns))
		for i := range values {
			pointers[i] = &values[i]
		}
		if err := rows.Scan(pointers...); err != nil {
			return nil, err
		}
		row := make([]string, len(values))
		for i, v := range values {
			row[i] = cellText(v)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case duckdb.Decimal:
		return decimal.NewFromBigInt(x.Value, -int32(x.Scale)).String()
	case *big.Int:
		return x.String()
	case float64:
		s := strconv.FormatFloat(x, 'f', 6, 64)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		if s == "-0" {
			return "0"
		}
		return s
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05")
	default:
		return fmt.Sprint(x)
	}
}
