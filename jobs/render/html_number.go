package render

import (
	"strconv"
	"strings"
)

// chartNumber reads the number in a display figure of the pack ("€3693.27",
// "-$8.98", "CHF 5.00", "40.7%", "-11.8pp"). ok is false for n/a and for
// text that is not a figure. The value only sizes chart marks: every
// number printed on a page is the pack's own text, so money stays exact.
func chartNumber(text string) (value float64, ok bool) {
	if text == "" || text == notAvailable {
		return 0, false
	}
	negative := strings.HasPrefix(text, "-")
	text = strings.TrimPrefix(text, "-")
	text = strings.TrimSuffix(strings.TrimSuffix(text, "%"), "pp")
	text = strings.TrimLeft(text, "$€£ ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	value, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, false
	}
	if negative {
		value = -value
	}
	return value, true
}
