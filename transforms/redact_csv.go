package transforms

import (
	"regexp"
	"strings"
)

// plainNumber matches a decimal number, which a spreadsheet reads as a
// number and never as a formula, even with a leading sign.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$`)

// CSVSafe prepares a text cell for a CSV file that people open in a
// spreadsheet. Invalid UTF-8 and NUL bytes become U+FFFD, and a cell that
// starts with =, +, -, @, a tab or a carriage return gets a leading single
// quote, because Excel, LibreOffice and Google Sheets would run it as a
// formula. Plain numbers such as -12.40 stay as they are.
func CSVSafe(cell string) string {
	cell = strings.ToValidUTF8(cell, "\uFFFD")
	cell = strings.ReplaceAll(cell, "\x00", "\uFFFD")
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) || plainNumber.MatchString(cell) {
		return cell
	}
	return "'" + cell
}
