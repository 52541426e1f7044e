package finance

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/shopspring/decimal"

	"evidencepack/transforms"
)

// SafeText neutralises a text cell for spreadsheets: a cell that starts
// with =, +, -, @, a tab or a carriage return is read as a formula by
// Excel, LibreOffice and Google Sheets, so it gets a leading single quote.
// Numeric columns must not pass through it, so negative amounts stay
// numbers.
func SafeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeCSVAtomic writes the header and records to path through a
// temporary file in the same directory that is renamed into place, so a
// reader never sees a partial file.
func writeCSVAtomic(path string, header []string, records [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := w.WriteAll(records); err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return transforms.WriteFileAtomic(path, buf.Bytes())
}

// Dir returns the directory of the finance files of a period.
func Dir(outputDir, period string) string {
	return filepath.Join(outputDir, "finance", period)
}

// exactText rewrites a DECIMAL cast to text, such as 12.340000000000000000,
// without the trailing fractional zeros. Empty text stays empty.
func exactText(s string) string {
	if s == "" {
		return ""
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return s
	}
	return d.String()
}
