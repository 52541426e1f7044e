package extract

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The functions below read the common forms of a value faster than the
// general parsers (transforms.ParseDecimal, transforms.ParseTime and
// decodeObject), with the same result. They report ok false for any other
// text, which the caller then hands to the general parser, so every error
// and every unusual form keeps the general parser's handling.

// maxDecimalDigits is the number of digits of DECIMAL(38, s).
const maxDecimalDigits = 38

// pow10 holds 10^0 to 10^19.
var pow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = 10 * p[i-1]
	}
	return p
}()

// parseDecimalFast reads plain decimal text, an optional minus sign, digits
// and an optional point followed by at most scale digits, as
// transforms.ParseDecimal does. Values with more than 38 digits at scale,
// and every other form, are not ok.
func parseDecimalFast(s string, scale int32) (decimal128.Num, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		whole, frac = s[:i], s[i+1:]
		if frac == "" {
			return decimal128.Num{}, false
		}
	}
	if whole == "" || len(frac) > int(scale) || !isDigits(whole) || !isDigits(frac) {
		return decimal128.Num{}, false
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole)+int(scale) > maxDecimalDigits {
		return decimal128.Num{}, false
	}
	n := appendDigits(decimal128.Num{}, whole)
	n = appendDigits(n, frac)
	n = mulPow10(n, int(scale)-len(frac))
	if neg {
		n = n.Negate()
	}
	return n, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendDigits returns n*10^len(digits) + digits. The result must fit 128
// bits.
func appendDigits(n decimal128.Num, digits string) decimal128.Num {
	for len(digits) > 0 {
		k := min(len(digits), 18)
		var v uint64
		for i := range k {
			v = 10*v + uint64(digits[i]-'0')
		}
		n = n.Mul(decimal128.FromU64(pow10[k])).Add(decimal128.FromU64(v))
		digits = digits[k:]
	}
	return n
}

// mulPow10 returns n*10^k. The result must fit 128 bits.
func mulPow10(n decimal128.Num, k int) decimal128.Num {
	for k > 0 {
		step := min(k, 18)
		n = n.Mul(decimal128.FromU64(pow10[step]))
		k -= step
	}
	return n
}

// parseTimeFast reads YYYY-MM-DDThh:mm:ss with an optional fraction of 1 to
// 9 digits after a point, followed by Z, or without a zone (with T or a
// space) when naive is not nil, as transforms.ParseTime does. Other forms,
// and dates or times out of range, are not ok.
func parseTimeFast(s string, naive *time.Location) (time.Time, bool) {
	const fixed = len("2006-01-02T15:04:05")
	if len(s) < fixed || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(s, 0, 4)
	month, ok2 := digits(s, 5, 2)
	day, ok3 := digits(s, 8, 2)
	hour, ok4 := digits(s, 11, 2)
	minute, ok5 := digits(s, 14, 2)
	sec, ok6 := digits(s, 17, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return time.Time{}, false
	}

	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}

	rest := s[fixed:]
	nsec := 0
	if strings.HasPrefix(rest, ".") {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		nsec, _ = digits(rest, 1, n-1)
		nsec *= int(pow10[10-n])
		rest = rest[n:]
	}

	var loc *time.Location
	switch {
	case rest == "Z" && s[10] == 'T':
		loc = time.UTC
	case rest == "" && (s[10] == 'T' || s[10] == ' ') && naive != nil:
		loc = naive
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	return t.UTC().Truncate(time.Microsecond), true
}

// digits returns the value of the n decimal digits at s[i:].
func digits(s string, i, n int) (int, bool) {
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = 10*v + int(c-'0')
	}
	return v, true
}

// daysIn returns the number of days of month in year.
func daysIn(month time.Month, year int) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// tagValueFast returns the value of key in a JSON object whose members
// are all strings without escapes, as tagValue reads it through
// decodeObject: the last member of that name wins, spaces around the
// value are trimmed, and text after the object is ignored. An absent key
// reads as "". Objects of any other form are not ok.
func tagValueFast(text, key string) (string, bool) {
	i := tagSpaceEnd(text, 0)
	if i == len(text) || text[i] != '{' {
		return "", false
	}
	i = tagSpaceEnd(text, i+1)
	if i < len(text) && text[i] == '}' {
		return "", true
	}
	value := ""
	for {
		name, next, ok := plainJSONString(text, i)
		if !ok {
			return "", false
		}
		i = tagSpaceEnd(text, next)
		if i == len(text) || text[i] != ':' {
			return "", false
		}
		member, next, ok := plainJSONString(text, tagSpaceEnd(text, i+1))
		if !ok {
			return "", false
		}
		if name == key {
			value = member
		}
		i = tagSpaceEnd(text, next)
		switch {
		case i == len(text):
			return "", false
		case text[i] == ',':
			i = tagSpaceEnd(text, i+1)
		case text[i] == '}':
			return strings.TrimSpace(value), true
		default:
			return "", false
		}
	}
}

// tagSpaceEnd returns the index of the first byte at or after i that is
// not JSON white space.
func tagSpaceEnd(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// plainJSONString returns the JSON string at s[i:] and the index after it
// when the string is valid UTF-8 without escapes or control characters,
// which decodes to its own bytes.
func plainJSONString(s string, i int) (string, int, bool) {
	if i == len(s) || s[i] != '"' {
		return "", 0, false
	}
	end := strings.IndexByte(s[i+1:], '"')
	if end < 0 {
		return "", 0, false
	}
	text := s[i+1 : i+1+end]
	ascii := true
	for j := 0; j < len(text); j++ {
		c := text[j]
		if c < 0x20 || c == '\\' {
			return "", 0, false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !ascii && !utf8.ValidString(text) {
		return "", 0, false
	}
	return text, i + end + 2, true
}
