package render

import (
	"database/sql"
	"testing"

	"github.com/shopspring/decimal"
)

func TestFormatMoney(t *testing.T) {
	cases := []struct{ amount, currency, want string }{
		{"0.125", "USD", "$0.12"},
		{"0.135", "USD", "$0.14"},
		{"-12.4", "EUR", "-€12.40"},
		{"18210.554999999999999999", "GBP", "£18210.55"},
		{"5", "CHF", "CHF 5.00"},
		{"-0.001", "USD", "$0.00"},
		{"7", "", "7.00"},
	}
	for _, c := range cases {
		got := formatMoney(decimal.RequireFromString(c.amount), c.currency)
		if got != c.want {
			t.Errorf("formatMoney(%s, %s) = %s, want %s", c.amount, c.currency, got, c.want)
		}
	}
}

func TestFormatPercentAndPoints(t *testing.T) {
	valid := func(x float64) sql.NullFloat64 { return sql.NullFloat64{Float64: x, Valid: true} }
	cases := []struct{ got, want string }{
		{formatPercent(valid(0.31)), "31.0%"},
		{formatPercent(valid(0.962)), "96.2%"},
		{formatPercent(valid(-0.0001)), "0.0%"},
		{formatPercent(sql.NullFloat64{}), "n/a"},
		{formatPoints(valid(-8)), "-8.0pp"},
		{formatPoints(valid(4.166667)), "4.2pp"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	cases := []struct {
		seconds float64
		want    string
	}{
		{18000, "5h 0m"},
		{18720, "5h 12m"},
		{720, "12m"},
		{40, "40s"},
		{90000, "25h 0m"},
	}
	for _, c := range cases {
		got := formatDuration(sql.NullFloat64{Float64: c.seconds, Valid: true})
		if got != c.want {
			t.Errorf("formatDuration(%v) = %s, want %s", c.seconds, got, c.want)
		}
	}
}
