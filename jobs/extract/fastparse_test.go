package extract

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"evidencepack/transforms"
)

// checkDecimalFast checks that parseDecimalFast, where it reads s, reads
// the value transforms.ParseDecimal reads.
func checkDecimalFast(t *testing.T, s string, scale int32) bool {
	t.Helper()
	got, ok := parseDecimalFast(s, scale)
	if !ok {
		return false
	}
	want, err := transforms.ParseDecimal(s, scale)
	if err != nil {
		t.Fatalf("parseDecimalFast(%q, %d) = %s, ParseDecimal fails: %v", s, scale, transforms.FormatDecimal(got, scale), err)
	}
	if got != want {
		t.Fatalf("parseDecimalFast(%q, %d) = %s, ParseDecimal reads %s", s, scale,
			transforms.FormatDecimal(got, scale), transforms.FormatDecimal(want, scale))
	}
	return true
}

// checkTimeFast checks that parseTimeFast, where it reads s, reads the
// time transforms.ParseTime reads.
func checkTimeFast(t *testing.T, s string, naive *time.Location) bool {
	t.Helper()
	got, ok := parseTimeFast(s, naive)
	if !ok {
		return false
	}
	want, err := transforms.ParseTime(s, naive)
	if err != nil {
		t.Fatalf("parseTimeFast(%q, %v) = %v, ParseTime fails: %v", s, naive, got, err)
	}
	if got != want {
		t.Fatalf("parseTimeFast(%q, %v) = %v, ParseTime reads %v", s, naive, got, want)
	}
	return true
}

// checkTagFast checks that tagValueFast, where it reads text, returns the
// value that decodeObject and jsonText return.
func checkTagFast(t *testing.T, text, key string) bool {
	t.Helper()
	got, ok := tagValueFast(text, key)
	if !ok {
		return false
	}
	obj, err := decodeObject([]byte(text))
	if err != nil {
		t.Fatalf("tagValueFast(%q, %q) = %q, decodeObject fails: %v", text, key, got, err)
	}
	if want, _ := jsonText(obj[key]); got != want {
		t.Fatalf("tagValueFast(%q, %q) = %q, decodeObject reads %q", text, key, got, want)
	}
	return true
}

func TestParseDecimalFast(t *testing.T) {
	read := []string{"0", "-0", "0.0031250000", "1000", "-12.50", "007.100", "4380.00",
		"99999999999999999999.999999999999999999", "-99999999999999999999.999999999999999999",
		"12345678901234567890", "0.000000000000000001", "00000000000000000000000000000000000001"}
	for _, s := range read {
		if !checkDecimalFast(t, s, transforms.MoneyScale) {
			t.Errorf("parseDecimalFast(%q) is not ok, want the fast path", s)
		}
	}
	// Each of these is either invalid or a form only ParseDecimal reads.
	general := []string{"", "-", ".", "1.", ".5", "-.5", "1.2.3", "--1", "+1", "1e5", "$10", "1,000",
		" 1", "1 ", "(5)", "0.0000000000000000001", "123456789012345678901", "1.0000000000000000000", "١٢"}
	for _, s := range general {
		if _, ok := parseDecimalFast(s, transforms.MoneyScale); ok {
			t.Errorf("parseDecimalFast(%q) is ok, want the general parser", s)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	const alphabet = "0123456789.-e,+ "
	for range 20000 {
		b := make([]byte, 1+rng.IntN(42))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = alphabet[rng.IntN(10)]
			}
		}
		for _, scale := range []int32{0, 2, transforms.MoneyScale} {
			checkDecimalFast(t, string(b), scale)
		}
	}
}

func TestParseTimeFast(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	read := []struct {
		text  string
		naive *time.Location
	}{
		{"2026-07-01T00:00:00.426Z", nil},
		{"2026-07-01T23:59:59Z", nil},
		{"2024-02-29T12:00:00.123456789Z", nil},
		{"2026-07-01 00:00:00", time.UTC},
		{"2026-03-08 02:30:00", newYork},
		{"2026-11-01T01:30:00.5", newYork},
	}
	for _, c := range read {
		if !checkTimeFast(t, c.text, c.naive) {
			t.Errorf("parseTimeFast(%q, %v) is not ok, want the fast path", c.text, c.naive)
		}
	}
	general := []string{"2026-07-01 00:00:00", "2026-07-01T00:00:00+02:00", "2026-07-01t00:00:00Z",
		"2026-07-01T00:00:00z", "2026-07-01 00:00:00Z", "2026-07-01T00:00:00,5Z", "2026-07-01T00:00:00.Z",
		"2026-07-01T00:00:00.1234567891Z", "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
		"2026-13-01T00:00:00Z", "2026-07-01T24:00:00Z", "2026-07-01T00:60:00Z", "2026-07-01T00:00:60Z",
		"2026-07-01T00:00Z", "2026-07-01", "7/1/2026 00:00:00", " 2026-07-01T00:00:00Z"}
	for _, s := range general {
		if _, ok := parseTimeFast(s, nil); ok {
			t.Errorf("parseTimeFast(%q, nil) is ok, want the general parser", s)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	zones := []string{"Z", "", "z", "+01:00", " UTC", "ZZ"}
	for range 20000 {
		s := fmt.Sprintf("%04d-%02d-%02d%c%02d:%02d:%02d", rng.IntN(2300), rng.IntN(14), rng.IntN(33),
			" Tt"[rng.IntN(3)], rng.IntN(26), rng.IntN(62), rng.IntN(62))
		if n := rng.IntN(12); n > 0 {
			s += "." + fmt.Sprint(rng.Int64())[:min(n, 10)]
		}
		s += zones[rng.IntN(len(zones))]
		for _, naive := range []*time.Location{nil, time.UTC, newYork} {
			checkTimeFast(t, s, naive)
		}
	}
}

func TestTagValueFast(t *testing.T) {
	read := []struct{ text, key, want string }{
		{`{"customer":"account-01","env":"prod"}`, "customer", "account-01"},
		{`{ "customer" : " northwind " }`, "customer", "northwind"},
		{`{"customer":"a","customer":"b"}`, "customer", "b"},
		{`{"env":"prod"}`, "customer", ""},
		{`{}`, "customer", ""},
		{`{"customer":"zürich"} trailing`, "customer", "zürich"},
	}
	for _, c := range read {
		got, ok := tagValueFast(c.text, c.key)
		if !ok || got != c.want {
			t.Errorf("tagValueFast(%q, %q) = %q, %v, want %q from the fast path", c.text, c.key, got, ok, c.want)
		}
		checkTagFast(t, c.text, c.key)
	}
	general := []string{`{"customer":42}`, `{"customer":"a\"b"}`, `{"customer":"\u0041"}`, `{"customer":null}`,
		`{"customer":"a",}`, `{"customer" "a"}`, `{"customer":"a"`, "{\"customer\":\"\xff\"}", "{\"c\":\"a\tb\"}",
		`{"customer":["a"]}`}
	for _, text := range general {
		if _, ok := tagValueFast(text, "customer"); ok {
			t.Errorf("tagValueFast(%q) is ok, want decodeObject", text)
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	parts := []string{"{", "}", `"customer"`, `"env"`, `"a"`, `""`, `" x "`, ":", ",", " ", "\n", "1", "null",
		`"\u00e9"`, "\"é\"", "[", "]", `"`, `\`}
	for range 20000 {
		var b strings.Builder
		b.WriteString("{")
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		checkTagFast(t, b.String(), "customer")
	}
}

// FuzzFastParse compares the fast parsers of decimals, timestamps and tags
// with the general ones on arbitrary text.
func FuzzFastParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		checkDecimalFast(t, text, transforms.MoneyScale)
		checkDecimalFast(t, text, 2)
		checkTimeFast(t, text, nil)
		checkTimeFast(t, text, time.UTC)
		checkTagFast(t, text, "customer")
		checkTagFast(t, "{"+text+"}", "customer")
	})
}
