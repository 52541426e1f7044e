package extract

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// csvParser splits the records of a chunk into fields exactly as
// encoding/csv's Reader does with FieldsPerRecord -1 and no LazyQuotes,
// Comment or TrimLeadingSpace. A CR before a line feed is dropped, as is
// a CR that ends the input. Empty lines between records are skipped. The
// record errors are csv.ErrBareQuote and csv.ErrQuote, and a parse error
// ends its record at the end of the line where it occurs.
//
// One parser is used by one goroutine. It reuses its buffers, so a row is
// valid until the next call of next. The field strings stay valid: each
// record's fields share one newly allocated string, as in encoding/csv.
type csvParser struct {
	delim     []byte // the delimiter, UTF-8 encoded
	delimText string // the delimiter as a string
	comma     byte   // the delimiter when it is one byte, else 0
	fields    []byte // unescaped text of the record's fields
	ends      []int  // end of each field in fields
	row       []string
}

func newCSVParser(delimiter rune) *csvParser {
	p := &csvParser{delim: []byte(string(delimiter)), delimText: string(delimiter)}
	if len(p.delim) == 1 {
		p.comma = p.delim[0]
	}
	return p
}

// csvLine returns the line at data[pos:] without its line break, whether
// it ended with a line feed, and the position after it. A CR before the
// line feed is dropped, and so is a CR at the end of the input.
func csvLine(data []byte, pos int) (text []byte, lf bool, next int) {
	rest := data[pos:]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		if n := len(rest); n > 0 && rest[n-1] == '\r' {
			rest = rest[:n-1]
		}
		return rest, false, len(data)
	}
	text = rest[:i]
	if i > 0 && text[i-1] == '\r' {
		text = text[:i-1]
	}
	return text, true, pos + i + 1
}

// indexDelim returns the index of the first delimiter in b, or -1.
func (p *csvParser) indexDelim(b []byte) int {
	if p.comma != 0 {
		return bytes.IndexByte(b, p.comma)
	}
	return bytes.Index(b, p.delim)
}

// next parses the record that starts at data[pos:], after any empty
// lines. It returns the record's fields or its parse error, and the
// position after the record. ok is false when only empty lines remain.
// data must end at the end of a record or at the end of the input.
func (p *csvParser) next(data []byte, pos int) (row []string, next int, ok bool, perr error) {
	var (
		line []byte
		lf   bool
	)
	for {
		if pos >= len(data) {
			return nil, pos, false, nil
		}
		line, lf, pos = csvLine(data, pos)
		if len(line) > 0 {
			break
		}
	}
	if bytes.IndexByte(line, '"') < 0 {
		return p.plainRecord(line), pos, true, nil
	}
	p.fields, p.ends = p.fields[:0], p.ends[:0]
	for {
		if len(line) == 0 || line[0] != '"' {
			i := p.indexDelim(line)
			field := line
			if i >= 0 {
				field = line[:i]
			}
			if bytes.IndexByte(field, '"') >= 0 {
				return nil, pos, true, csv.ErrBareQuote
			}
			p.fields = append(p.fields, field...)
			p.ends = append(p.ends, len(p.fields))
			if i < 0 {
				return p.record(), pos, true, nil
			}
			line = line[i+len(p.delim):]
			continue
		}
		var (
			last bool
			err  error
		)
		line, lf, pos, last, err = p.quoted(data, line[1:], lf, pos)
		if err != nil {
			return nil, pos, true, err
		}
		p.ends = append(p.ends, len(p.fields))
		if last {
			return p.record(), pos, true, nil
		}
	}
}

// quoted appends the text of the quoted field that starts at line, after
// its opening quote, reading further lines of data when the field spans
// them. It returns the rest of the line after the field's delimiter, or
// last set when the field ends the record.
func (p *csvParser) quoted(data, line []byte, lf bool, pos int) (rest []byte, restLF bool, next int, last bool, err error) {
	for {
		i := bytes.IndexByte(line, '"')
		if i < 0 {
			if len(line) == 0 && !lf {
				// The input ends inside the quoted field.
				return nil, false, pos, false, csv.ErrQuote
			}
			p.fields = append(p.fields, line...)
			if lf {
				p.fields = append(p.fields, '\n')
			}
			line, lf, pos = csvLine(data, pos)
			continue
		}
		p.fields = append(p.fields, line[:i]...)
		line = line[i+1:]
		switch {
		case len(line) > 0 && line[0] == '"':
			p.fields = append(p.fields, '"')
			line = line[1:]
		case bytes.HasPrefix(line, p.delim):
			return line[len(p.delim):], lf, pos, false, nil
		case len(line) == 0:
			return nil, lf, pos, true, nil
		default:
			return nil, false, pos, false, csv.ErrQuote
		}
	}
}

// plainRecord splits a line without quotes, which is one record of
// unquoted fields, into strings that share one allocation.
func (p *csvParser) plainRecord(line []byte) []string {
	text := string(line)
	p.row = p.row[:0]
	for {
		i := p.indexDelimString(text)
		if i < 0 {
			p.row = append(p.row, text)
			return p.row
		}
		p.row = append(p.row, text[:i])
		text = text[i+len(p.delim):]
	}
}

// indexDelimString returns the index of the first delimiter in s, or -1.
func (p *csvParser) indexDelimString(s string) int {
	if p.comma != 0 {
		return strings.IndexByte(s, p.comma)
	}
	return strings.Index(s, p.delimText)
}

// record returns the fields parsed so far as strings that share one
// allocation.
func (p *csvParser) record() []string {
	text := string(p.fields)
	p.row = p.row[:0]
	start := 0
	for _, end := range p.ends {
		p.row = append(p.row, text[start:end])
		start = end
	}
	return p.row
}
