package transforms

import (
	"net/netip"
	"regexp"
	"strings"
)

// Placeholders that replace personal data found in free text.
const (
	PlaceholderEmail = "email"
	PlaceholderPhone = "phone"
	PlaceholderCard  = "card"
	PlaceholderIP    = "ip"
)

// BuiltinPlaceholders are the placeholder names of the built-in detectors.
// Configured patterns may not reuse them.
var BuiltinPlaceholders = []string{PlaceholderEmail, PlaceholderPhone, PlaceholderCard, PlaceholderIP}

// RedactPattern is a configured detector: every match of Re is replaced
// with "[Name]".
type RedactPattern struct {
	Name string
	Re   *regexp.Regexp
}

// detector finds one kind of personal data. accept, when set, decides on
// each regexp match, so that checks a regexp cannot express (the Luhn sum,
// a valid address) keep false positives out. It gets the whole text and
// the match's byte span, so it can look at the characters around it.
type detector struct {
	name   string
	re     *regexp.Regexp
	accept func(text string, start, end int) bool
	// possible, when set, reports from the characters of a text whether
	// re can match anywhere in it. It returns false only for a text that
	// re cannot match, because it only saves running the regexp.
	possible func(textChars) bool
}

// textChars counts the characters of a text that the built-in detectors
// need: every e-mail address has an '@', every card number 13 digits.
type textChars struct {
	digits, at, colons, dots, plus int
}

func countChars(text string) textChars {
	var c textChars
	for i := 0; i < len(text); i++ {
		switch b := text[i]; {
		case b >= '0' && b <= '9':
			c.digits++
		case b == '@':
			c.at++
		case b == ':':
			c.colons++
		case b == '.':
			c.dots++
		case b == '+':
			c.plus++
		}
	}
	return c
}

var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}`)
	// cardRe matches 13 to 19 digits with optional single spaces or dashes
	// between them.
	cardRe = regexp.MustCompile(`\b\d(?:[ \-]?\d){12,18}\b`)
	ipv4Re = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	// ipv6Re matches candidates with at least two colons that do not end
	// in a period, so a sentence's closing period stays; netip decides.
	ipv6Re = regexp.MustCompile(`[0-9A-Fa-f]*:[0-9A-Fa-f.:]*:(?:[0-9A-Fa-f.:]*[0-9A-Fa-f:])?`)
	// intlPhoneRe matches "+" and a country code followed by digit groups.
	intlPhoneRe = regexp.MustCompile(`\+\d{1,3}(?:[ .\-]?\(\d{1,4}\))?(?:[ .\-]?\d{1,4}){2,5}\b`)
	// usPhoneRe needs separators, so bare digit ids and ISO dates do not
	// match: (555) 123-4567, 555-123-4567, 555.123.4567, 1-555-123-4567.
	usPhoneRe = regexp.MustCompile(`(?:\b1[ .\-])?(?:\(\d{3}\)[ ]?|\b\d{3}[ .\-])\d{3}[ .\-]\d{4}\b`)
)

// builtinDetectors run in this order: cards before phones, because a card
// number with spaces looks like a phone number, and IP addresses before
// phones, because 555.123.4567 is not an address but 10.1.2.3 is.
//
// Each has a possible check read off its regexp: the characters that any
// match contains at least. A text without them skips the regexp, which
// for most titles and feedback is every one of them.
var builtinDetectors = []detector{
	{name: PlaceholderEmail, re: emailRe,
		possible: func(c textChars) bool { return c.at > 0 }},
	{name: PlaceholderCard, re: cardRe, accept: isCardNumber,
		possible: func(c textChars) bool { return c.digits >= 13 }},
	{name: PlaceholderIP, re: ipv6Re, accept: isIPv6,
		possible: func(c textChars) bool { return c.colons >= 2 }},
	{name: PlaceholderIP, re: ipv4Re, accept: isIPv4,
		possible: func(c textChars) bool { return c.dots >= 3 && c.digits >= 4 }},
	{name: PlaceholderPhone, re: intlPhoneRe, accept: hasPhoneDigits,
		possible: func(c textChars) bool { return c.plus > 0 && c.digits >= 3 }},
	{name: PlaceholderPhone, re: usPhoneRe,
		possible: func(c textChars) bool { return c.digits >= 10 }},
}

// Redactor replaces e-mail addresses, phone numbers, payment card numbers,
// IP addresses and configured patterns in free text with typed
// placeholders such as "[email]". It is safe for concurrent use.
type Redactor struct {
	detectors []detector
}

// NewRedactor returns a redactor with the built-in detectors and the
// configured patterns. Configured patterns run first, so a pattern can
// claim text that a built-in detector would otherwise take.
func NewRedactor(patterns []RedactPattern) *Redactor {
	r := &Redactor{}
	for _, p := range patterns {
		r.detectors = append(r.detectors, detector{name: p.Name, re: p.Re})
	}
	r.detectors = append(r.detectors, builtinDetectors...)
	return r
}

// Redact returns text with every detected value replaced by its
// placeholder. It calls found once per replacement with the placeholder
// name (without brackets); found may be nil.
func (r *Redactor) Redact(text string, found func(placeholder string)) string {
	var chars textChars
	counted := false
	for _, d := range r.detectors {
		if d.possible != nil {
			// Counted once, before the first built-in detector: a
			// placeholder that replaces a match holds none of the
			// counted characters, so the counts stay an upper bound for
			// the text that the later detectors see.
			if !counted {
				chars, counted = countChars(text), true
			}
			if !d.possible(chars) {
				continue
			}
		}
		text = d.replace(text, found)
	}
	return text
}

func (d detector) replace(text string, found func(string)) string {
	spans := d.re.FindAllStringIndex(text, -1)
	if spans == nil {
		return text
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if d.accept != nil && !d.accept(text, sp[0], sp[1]) {
			continue
		}
		b.WriteString(text[last:sp[0]])
		b.WriteString("[" + d.name + "]")
		last = sp[1]
		if found != nil {
			found(d.name)
		}
	}
	b.WriteString(text[last:])
	return b.String()
}

// isCardNumber reports whether m holds 13 to 19 digits that pass the Luhn
// check. A digit run that fails it stays in the text.
func isCardNumber(text string, start, end int) bool {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, text[start:end])
	if len(digits) < 13 || len(digits) > 19 {
		return false
	}
	return luhnValid(digits)
}

// luhnValid reports whether a string of ASCII digits passes the Luhn
// (mod 10) check that payment card numbers carry.
func luhnValid(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func isIPv4(text string, start, end int) bool {
	addr, err := netip.ParseAddr(text[start:end])
	return err == nil && addr.Is4()
}

// isIPv6 accepts a candidate that netip parses as an IPv6 address and that
// no letter, digit or '_' touches, so "workflow::claims" stays.
func isIPv6(text string, start, end int) bool {
	if start > 0 && isWordByte(text[start-1]) || end < len(text) && isWordByte(text[end]) {
		return false
	}
	addr, err := netip.ParseAddr(text[start:end])
	return err == nil && addr.Is6()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// hasPhoneDigits accepts an international number of 8 to 15 digits, the
// range E.164 allows with the country code.
func hasPhoneDigits(text string, start, end int) bool {
	n := 0
	for _, r := range text[start:end] {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n >= 8 && n <= 15
}
