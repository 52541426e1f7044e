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

// csvRowFunc handles one data row.
type csvRowFunc func(o transforms.Origin, h *csvHeader, row []string) error

// csvItem is one CSV record queued for a worker: a row to handle, or a
// record rejected whole with its reason and raw text.
type csvItem struct {
	row    []string
	reason string
	raw    []byte
}

// streamCSV reads the header of a CSV file, passes it to check, and hands
// every data row to the function that handler returns, on a pool of
// workers (see recordPool). A row that cannot be parsed, or that has more
// fields than the header, is rejected. A shorter row is handed on: its
// missing trailing fields read as absent.
func streamCSV(em *emitter, delimiter rune, check func(*csvHeader) error, handler func(em *emitter) csvRowFunc) error {
	f, br, err := openInput(em.file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(br)
	r.Comma = delimiter
	r.FieldsPerRecord = -1
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
	pool := newRecordPool(em, csvItemHandler(header, handler))
	defer pool.close()
	return streamCSVRows(em, r, header, pool)
}

// csvItemHandler returns the worker function of csvItems.
func csvItemHandler(header *csvHeader, handler func(em *emitter) csvRowFunc) func(em *emitter) func(csvItem) error {
	return func(em *emitter) func(csvItem) error {
		handle := handler(em)
		return func(it csvItem) error {
			o, err := em.next()
			if err != nil {
				return err
			}
			if it.reason != "" {
				return em.rejectRecord(o, it.reason, it.raw)
			}
			return handle(o, header, it.row)
		}
	}
}

// streamCSVRows queues every record after the header. Each row is a new
// slice, because the workers keep the rows until they handle them.
func streamCSVRows(em *emitter, r *csv.Reader, header *csvHeader, pool *recordPool[csvItem]) error {
	for {
		row, err := r.Read()
		if err == io.EOF {
			return pool.drain()
		}
		var (
			parseErr *csv.ParseError
			item     csvItem
		)
		switch {
		case errors.As(err, &parseErr):
			item.reason = "invalid CSV: " + parseErr.Err.Error()
		case err != nil:
			if derr := pool.drain(); derr != nil {
				return derr
			}
			return em.wrap(err)
		case len(row) > len(header.names):
			item.reason = fmt.Sprintf("row has %d fields, the header has %d", len(row), len(header.names))
			item.raw = []byte(strings.Join(row, string(r.Comma)))
		default:
			item.row = row
		}
		if err := pool.add(item, rowSize(row)); err != nil {
			return err
		}
	}
}

func rowSize(row []string) int {
	n := 16 * len(row)
	for _, v := range row {
		n += len(v)
	}
	return n
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
