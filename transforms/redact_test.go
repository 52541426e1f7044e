package transforms

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func redactAll(t *testing.T, r *Redactor, in string) (string, map[string]int) {
	t.Helper()
	counts := map[string]int{}
	out := r.Redact(in, func(p string) { counts[p]++ })
	return out, counts
}

func TestRedactReplacesPersonalData(t *testing.T) {
	r := NewRedactor(nil)
	cases := []struct {
		name, in, want string
	}{
		{"email", "mail jane.doe+x@example.co.uk now", "mail [email] now"},
		{"us phone dashes", "call 555-123-4567 today", "call [phone] today"},
		{"us phone parens", "call (555) 123-4567.", "call [phone]."},
		{"us phone dots", "call 555.123.4567", "call [phone]"},
		{"us phone country", "call 1-800-555-0199", "call [phone]"},
		{"intl phone", "ring +44 20 7946 0958 please", "ring [phone] please"},
		{"intl phone compact", "ring +14155552671", "ring [phone]"},
		{"intl phone parens", "ring +1 (415) 555-2671", "ring [phone]"},
		{"card spaces", "card 4111 1111 1111 1111 used", "card [card] used"},
		{"card dashes", "card 5500-0000-0000-0004", "card [card]"},
		{"card plain 13", "card 4222222222222", "card [card]"},
		{"ipv4", "from 10.20.30.40, then", "from [ip], then"},
		{"ipv6", "from 2001:db8::8a2e:370:7334 ok", "from [ip] ok"},
		{"ipv6 loopback period", "bound to ::1.", "bound to [ip]."},
		{"ipv6 mapped", "peer ::ffff:192.0.2.1 seen", "peer [ip] seen"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := redactAll(t, r, c.in)
			if got != c.want {
				t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestRedactKeepsIDsAndDates(t *testing.T) {
	r := NewRedactor(nil)
	keep := []string{
		"case 2026-07-01 resolved at 2026-07-01T10:30:00Z",
		"event 1234567890123456 id",          // 16 digits, not Luhn-valid
		"card 4111 1111 1111 1112 is a typo", // fails Luhn
		"order 20260701 and ticket 4155552671",
		"ticket INC-2026-0042 closed",
		"at 10:30:45 on 07/01/2026",
		"version 1.2.3 and 999.1.1.1",
		"mac 00:1A:2B:3C:4D:5E",
		"user_id 00012345678 kept",
		"cost 12,345.67 USD",
		"workflow::claims_intake",
	}
	for _, in := range keep {
		got, counts := redactAll(t, r, in)
		if got != in {
			t.Errorf("Redact(%q) = %q, want it unchanged", in, got)
		}
		if len(counts) != 0 {
			t.Errorf("Redact(%q) counted %v, want nothing", in, counts)
		}
	}
}

func TestRedactCountsPerPlaceholder(t *testing.T) {
	r := NewRedactor(nil)
	in := "a@b.io, c@d.io, 555-123-4567, 4111111111111111, 8.8.8.8"
	got, counts := redactAll(t, r, in)
	if want := "[email], [email], [phone], [card], [ip]"; got != want {
		t.Fatalf("Redact = %q, want %q", got, want)
	}
	want := map[string]int{"email": 2, "phone": 1, "card": 1, "ip": 1}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("count of %s = %d, want %d", k, counts[k], v)
		}
	}
}

func TestRedactConfiguredPattern(t *testing.T) {
	r := NewRedactor([]RedactPattern{{Name: "employee_id", Re: regexp.MustCompile(`EMP-\d{6}`)}})
	got, counts := redactAll(t, r, "assigned to EMP-123456 by ops@example.com")
	if want := "assigned to [employee_id] by [email]"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
	if counts["employee_id"] != 1 {
		t.Errorf("employee_id count = %d, want 1", counts["employee_id"])
	}
}

func TestLuhn(t *testing.T) {
	for _, n := range []string{"4111111111111111", "5500000000000004", "378282246310005", "4222222222222"} {
		if !luhnValid(n) {
			t.Errorf("luhnValid(%s) = false, want true", n)
		}
	}
	for _, n := range []string{"4111111111111112", "1234567890123456"} {
		if luhnValid(n) {
			t.Errorf("luhnValid(%s) = true, want false", n)
		}
	}
}

// TestRedactLongTextIsLinear guards against a detector whose cost grows
// with the square of the text: Go's regexp is linear, but an accept
// function could undo that. A quadratic pass over 1 MB of digits and
// separators would take minutes, a linear one well under a second.
func TestRedactLongTextIsLinear(t *testing.T) {
	r := NewRedactor(nil)
	text := strings.Repeat("1 2 3 4 5 6 7 8 9 0 : . - + @ ", 32_000)
	start := time.Now()
	r.Redact(text, nil)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("redacting %d bytes took %v", len(text), elapsed)
	}
}

func TestCSVSafe(t *testing.T) {
	cases := map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+cmd|' /C calc'!A0":       "'+cmd|' /C calc'!A0",
		"-2+3":                     "'-2+3",
		"@SUM(A1:A2)":              "'@SUM(A1:A2)",
		"\t=1":                     "'\t=1",
		"-12.40":                   "-12.40",
		"+5e-06":                   "+5e-06",
		"plain text":               "plain text",
		"":                         "",
		"bad \xff byte":            "bad \uFFFD byte",
		"nul\x00byte":              "nul\uFFFDbyte",
	}
	for in, want := range cases {
		if got := CSVSafe(in); got != want {
			t.Errorf("CSVSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDecimalHostileText(t *testing.T) {
	cases := []struct {
		in, reason string
	}{
		{strings.Repeat("9", 400), "more than 38 digits"},
		{"0." + strings.Repeat("0", 398) + "1", "exponent -399 out of range"},
		{strings.Repeat("1", 2000), "number has 2000 characters, more than the 1024 read"},
		{"1e500", "exponent 500 out of range"},
		{"1e-500", "exponent -500 out of range"},
	}
	for _, c := range cases {
		start := time.Now()
		_, err := ParseDecimal(c.in, MoneyScale)
		if elapsed := time.Since(start); elapsed > 50*time.Millisecond {
			t.Errorf("ParseDecimal of %d characters took %v", len(c.in), elapsed)
		}
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParseDecimal(%.20q…) error = %v, want %q", c.in, err, c.reason)
		}
	}
}

// redactWithoutChecks runs every detector's regexp, as Redact did before
// the possible checks, for comparison.
func redactWithoutChecks(r *Redactor, text string, found func(string)) string {
	for _, d := range r.detectors {
		text = d.replace(text, found)
	}
	return text
}

// redactPieces are fragments that random texts are built from: pieces of
// each kind of personal data, near misses and plain words.
var redactPieces = []string{
	"jane.doe@example.com", "@", "a@b", "x@y.io", "+44 20 7946 0958", "+1", "+",
	"555-123-4567", "(555) 123-4567", "1-800-555-0199", "555.123.4567",
	"4111 1111 1111 1111", "4111111111111111", "5500-0000-0000-0004", "1234567890123",
	"10.20.30.40", "999.1.1.1", "1.2.3", "2001:db8::1", "::1", "::ffff:192.0.2.1", ":", "::",
	"2026-07-01T10:30:00Z", "INC-0042", "0", "7", "42", ".", "-", " ", "  ", "(", ")",
	"claims", "workflow::claims", "é", "\n", "[email]", "ticket",
}

// TestRedactChecksMatchRegexps compares Redact with running every regexp
// on random texts, with and without a configured pattern, and counts the
// texts in which something was found, so the comparison covers both.
func TestRedactChecksMatchRegexps(t *testing.T) {
	redactors := map[string]*Redactor{
		"built-in": NewRedactor(nil),
		"configured pattern": NewRedactor([]RedactPattern{
			{Name: "member", Re: regexp.MustCompile(`MBR-\d{6}`)},
		}),
	}
	rng := rand.New(rand.NewPCG(3, 9))
	for name, r := range redactors {
		t.Run(name, func(t *testing.T) {
			found := 0
			for i := 0; i < 20000; i++ {
				var b strings.Builder
				for n := rng.IntN(8); n >= 0; n-- {
					b.WriteString(redactPieces[rng.IntN(len(redactPieces))])
					if rng.IntN(3) == 0 {
						b.WriteString(" MBR-")
						b.WriteString(strconv.Itoa(100000 + rng.IntN(900000)))
					}
				}
				text := b.String()
				var gotFound, wantFound []string
				got := r.Redact(text, func(p string) { gotFound = append(gotFound, p) })
				want := redactWithoutChecks(r, text, func(p string) { wantFound = append(wantFound, p) })
				if got != want || !slices.Equal(gotFound, wantFound) {
					t.Fatalf("Redact(%q) = %q %v, want %q %v", text, got, gotFound, want, wantFound)
				}
				if len(wantFound) > 0 {
					found++
				}
			}
			if found < 5000 || found > 19000 {
				t.Errorf("personal data found in %d of 20000 texts, want a mix of texts with and without", found)
			}
		})
	}
}

func FuzzRedactChecksMatchRegexps(f *testing.F) {
	for _, p := range redactPieces {
		f.Add(p)
	}
	f.Add("mail jane@example.com or +44 20 7946 0958 from 10.0.0.1")
	r := NewRedactor(nil)
	f.Fuzz(func(t *testing.T, text string) {
		got := r.Redact(text, nil)
		if want := redactWithoutChecks(r, text, nil); got != want {
			t.Fatalf("Redact(%q) = %q, want %q", text, got, want)
		}
	})
}
