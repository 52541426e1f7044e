package extract

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"evidencepack/transforms"
)

// csvHeader is the normalised header of a CSV file: names trimmed of
// spaces, with the byte order mark already removed. columns is set by
// resolve.
type csvHeader struct {
	names   []string
	index   map[string]int
	columns rowColumns
	// lastMapped is the highest position of an input column that a fact
	// column reads, or -1.
	lastMapped int
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

// resolve finds the positions of the input columns that paths name.
func (h *csvHeader) resolve(paths fieldPaths) {
	h.columns = newRowColumns(h.index, paths)
	h.lastMapped = -1
	for _, c := range h.columns {
		for _, i := range c.positions {
			h.lastMapped = max(h.lastMapped, i)
		}
	}
}

// widthReason returns why a row whose field count differs from the
// header's is rejected, or "" when it is accepted. A longer row is always
// rejected. A shorter one is rejected when it ends before an input column
// that a fact column reads, because an empty value and a lost one look the
// same there.
func (h *csvHeader) widthReason(row []string) string {
	switch {
	case len(row) > len(h.names):
		return fmt.Sprintf("row has %d fields, the header has %d", len(row), len(h.names))
	case len(row) < len(h.names) && len(row) <= h.lastMapped:
		return fmt.Sprintf("row has %d fields, the header has %d: column %q is missing",
			len(row), len(h.names), h.names[len(row)])
	}
	return ""
}

// csvRowFunc handles one data row.
type csvRowFunc func(o transforms.Origin, h *csvHeader, row []string) error

// streamCSV reads the header of a CSV file, resolves paths against it,
// passes it to check, and hands every data row to the function that
// handler returns. The file is cut
// into chunks of complete records (see csvSplitter), and one worker per
// CPU parses and handles whole chunks (see recordPool), so facts, rejects
// and record numbers are those of a sequential read. A row that cannot be
// parsed, that has more fields than the header, or that is longer than
// maxCSVRecordBytes is rejected. A shorter row is rejected when it ends
// before a column that a fact column reads, and handed on otherwise.
func streamCSV(em *emitter, delimiter rune, paths fieldPaths, check func(*csvHeader) error, handler func(em *emitter) csvRowFunc) error {
	f, br, err := openInput(em.file)
	if err != nil {
		return err
	}
	defer f.Close()
	header, data, err := readCSVHeader(em.file, br, delimiter)
	if err != nil {
		return err
	}
	header.resolve(paths)
	if err := check(header); err != nil {
		return fmt.Errorf("read %s: %w", em.file, err)
	}
	splitter := newCSVSplitter(delimiter)
	pool := newRecordPool(em, csvChunkHandler(header, delimiter, splitter, handler))
	defer pool.close()
	// Each chunk is a batch of its own, because the worker that handles
	// it parses all its records. Errors of pool.add name the file already.
	var addErr error
	err = splitter.split(em.ctx, data, func(c csvChunk) error {
		addErr = pool.add(c, poolBatchBytes)
		return addErr
	})
	switch {
	case addErr != nil:
		return addErr
	case err != nil:
		if derr := pool.drain(); derr != nil {
			return derr
		}
		return em.wrap(err)
	}
	return pool.drain()
}

// readCSVHeader reads the header row with encoding/csv, so that its parse
// errors name their line and column, and returns a reader of the bytes
// after it. encoding/csv reads ahead, so the bytes it took from br are
// kept and read again first.
func readCSVHeader(file string, br *bufio.Reader, delimiter rune) (*csvHeader, io.Reader, error) {
	var taken bytes.Buffer
	r := csv.NewReader(io.TeeReader(io.LimitReader(br, maxCSVRecordBytes+1), &taken))
	r.Comma = delimiter
	r.FieldsPerRecord = -1
	first, err := r.Read()
	switch {
	case r.InputOffset() > maxCSVRecordBytes:
		return nil, nil, fmt.Errorf("read %s: header is longer than the %d-byte limit of a CSV record", file, maxCSVRecordBytes)
	case err == io.EOF:
		return nil, nil, fmt.Errorf("read %s: empty file, expected a header row", file)
	case err != nil:
		return nil, nil, fmt.Errorf("read %s: header: %w", file, err)
	}
	header, err := newCSVHeader(file, first)
	if err != nil {
		return nil, nil, err
	}
	rest := taken.Bytes()[r.InputOffset():]
	return header, io.MultiReader(bytes.NewReader(rest), br), nil
}

// csvChunkHandler returns the worker function of csvChunks: it parses
// each record of a chunk and hands it to the row function, or rejects it.
func csvChunkHandler(header *csvHeader, delimiter rune, splitter *csvSplitter, handler func(em *emitter) csvRowFunc) func(em *emitter) func(csvChunk) error {
	return func(em *emitter) func(csvChunk) error {
		handle := handler(em)
		parser := newCSVParser(delimiter)
		return func(c csvChunk) error {
			if c.reason != "" {
				o, err := em.next()
				if err != nil {
					return err
				}
				return em.rejectRecord(o, c.reason, c.raw)
			}
			for pos := 0; ; {
				row, next, ok, perr := parser.next(c.data, pos)
				if !ok {
					break
				}
				pos = next
				o, err := em.next()
				if err != nil {
					return err
				}
				if perr != nil {
					err = em.rejectRecord(o, "invalid CSV: "+perr.Error(), nil)
				} else if reason := header.widthReason(row); reason != "" {
					err = em.rejectRecord(o, reason, []byte(strings.Join(row, string(delimiter))))
				} else {
					err = handle(o, header, row)
				}
				if err != nil {
					return err
				}
			}
			splitter.recycle(c.data)
			return nil
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
