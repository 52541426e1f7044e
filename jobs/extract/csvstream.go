package extract

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"evidencepack/transforms"
)

// csvHeader is the normalised header of a CSV file: names trimmed of
// spaces, with the byte order mark already removed.
type csvHeader struct {
	names []string
	index map[string]int
}

func newCSVHeader(file string, names []string) (*csvHeader, error) {
	h := &csvHeader{names: make([]string, len(names)), index: make(map[string]int, len(names))}
	for i, name := range names {
		name = strings.TrimSpace(name)
		if _, dup := h.index[name]; dup && name != "" {
			return nil, fmt.Errorf("read %s: header: duplicate column %q", file, name)
		}
		h.names[i] = name
		h.index[name] = i
	}
	return h, nil
}

// csvRowFunc handles one data row. The row slice is reused by the next
// call.
type csvRowFunc func(o transforms.Origin, h *csvHeader, row []string) error

// streamCSV reads the header of a CSV file, passes it to check, and hands
// every data row to handle. A row that cannot be parsed, or that has more
// fields than the header, is rejected. A shorter row is handed on: its
// missing trailing fields read as absent.
func streamCSV(em *emitter, delimiter rune, check func(*csvHeader) error, handle csvRowFunc) error {
	f, br, err := openInput(em.file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(br)
	r.Comma = delimiter
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	first, err := r.Read()
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("read %s: empty file, expected a header row", em.file)
		}
		return fmt.Errorf("read %s: header: %w", em.file, err)
	}
	header, err := newCSVHeader(em.file, first)
	if err != nil {
		return err
	}
	if err := check(header); err != nil {
		return fmt.Errorf("read %s: %w", em.file, err)
	}
	return streamCSVRows(em, r, header, handle)
}

func streamCSVRows(em *emitter, r *csv.Reader, header *csvHeader, handle csvRowFunc) error {
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		o, cerr := em.next()
		if cerr != nil {
			return cerr
		}
		var parseErr *csv.ParseError
		switch {
		case errors.As(err, &parseErr):
			err = em.rejectRecord(o, "invalid CSV: "+parseErr.Err.Error(), nil)
		case err != nil:
			return em.wrap(err)
		case len(row) > len(header.names):
			reason := fmt.Sprintf("row has %d fields, the header has %d", len(row), len(header.names))
			err = em.rejectRecord(o, reason, []byte(strings.Join(row, string(r.Comma))))
		default:
			err = handle(o, header, row)
		}
		if err != nil {
			return err
		}
	}
}

// csvDelimiter returns the configured field separator, "," by default.
// "\t" and "tab" name the tab character.
func csvDelimiter(name, delimiter string) (rune, error) {
	switch delimiter {
	case "":
		return ',', nil
	case `\t`, "tab":
		return '\t', nil
	}
	d, size := utf8.DecodeRuneInString(delimiter)
	if size != len(delimiter) || d == '"' || d == '\r' || d == '\n' || d == utf8.RuneError {
		return 0, fmt.Errorf("source %s: invalid csv delimiter %q: expected one character other than a quote or line break", name, delimiter)
	}
	return d, nil
}
