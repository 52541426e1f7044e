package transforms

import (
	"strings"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{name: "plain", in: "12.40", want: "12.4"},
		{name: "negative credit", in: "-30.00", want: "-30"},
		{name: "fifteen fractional digits", in: "0.000000800000001", want: "0.000000800000001"},
		{name: "eighteen fractional digits", in: "0.123456789012345678", want: "0.123456789012345678"},
		{name: "trailing zeros past scale", in: "0.0000000191107392310000000000", want: "0.000000019110739231"},
		{name: "exponent", in: "5e-06", want: "0.000005"},
		{name: "upper exponent", in: "1.3E-9", want: "0.0000000013"},
		{name: "accounting text", in: "$10,100.00 ", want: "10100"},
		{name: "parenthesised negative", in: "(4.20)", want: "-4.2"},
		{name: "big integer part", in: "12345678901234567890.5", want: "12345678901234567890.5"},
		{name: "too many digits", in: "0.0000000191107392311096200000", wantErr: "more than 18 fractional digits"},
		{name: "overflow", in: "123456789012345678901.5", wantErr: "more than 38 digits"},
		{name: "text", in: "twelve", wantErr: "not a decimal number"},
		{name: "empty", in: "  ", wantErr: "empty number"},
		{name: "NULL literal", in: "NULL", wantErr: "not a decimal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseDecimal(tt.in, MoneyScale)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDecimal(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDecimal(%q): %v", tt.in, err)
			}
			if got := FormatDecimal(n, MoneyScale); got != tt.want {
				t.Errorf("ParseDecimal(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDecimalSumIsExact(t *testing.T) {
	a, _ := ParseDecimal("0.1", MoneyScale)
	b, _ := ParseDecimal("0.2", MoneyScale)
	sum := DecimalFromNum(a, MoneyScale).Add(DecimalFromNum(b, MoneyScale))
	if sum.String() != "0.3" {
		t.Errorf("0.1 + 0.2 = %s, want 0.3", sum)
	}
}
