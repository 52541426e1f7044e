package extract

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// csvResult is one record as the CSV readers see it: its fields, or the
// reason that rejects it whole.
type csvResult struct {
	fields []string
	err    string
}

// stdCSVRecords reads data with encoding/csv, configured as the readers
// configured it before the parallel parser.
func stdCSVRecords(t testing.TB, data []byte, delimiter rune) []csvResult {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter
	r.FieldsPerRecord = -1
	var out []csvResult
	for {
		row, err := r.Read()
		if err == io.EOF {
			return out
		}
		var parseErr *csv.ParseError
		switch {
		case errors.As(err, &parseErr):
			out = append(out, csvResult{err: parseErr.Err.Error()})
		case err != nil:
			t.Fatalf("encoding/csv: %v", err)
		default:
			out = append(out, csvResult{fields: slices.Clone(row)})
		}
	}
}

// splitCSVRecords reads data with csvSplitter and csvParser, in blocks of
// chunkBytes and with records limited to maxRecord bytes.
func splitCSVRecords(t testing.TB, data []byte, delimiter rune, chunkBytes, maxRecord int) []csvResult {
	t.Helper()
	s := newCSVSplitter(delimiter)
	s.chunkBytes, s.maxRecordBytes = chunkBytes, maxRecord
	p := newCSVParser(delimiter)
	var out []csvResult
	err := s.split(context.Background(), bytes.NewReader(data), func(c csvChunk) error {
		if c.reason != "" {
			out = append(out, csvResult{err: "too long: " + string(c.raw)})
			return nil
		}
		for pos := 0; ; {
			row, next, ok, perr := p.next(c.data, pos)
			if !ok {
				return nil
			}
			if next <= pos {
				return fmt.Errorf("parser did not advance at %d", pos)
			}
			pos = next
			if perr != nil {
				out = append(out, csvResult{err: perr.Error()})
			} else {
				out = append(out, csvResult{fields: slices.Clone(row)})
			}
		}
	})
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	return out
}

// scannerRecordEnd is lastRecordEnd computed with csvRecordScanner.
func scannerRecordEnd(delim, buf []byte) int {
	m := &csvRecordScanner{delim: delim}
	last := 0
	for {
		end := m.scan(buf[last:])
		if end < 0 {
			return last
		}
		last += end
	}
}

// csvTestDelimiters are the delimiters every input is read with: the
// common one-byte ones and a two-byte rune.
var csvTestDelimiters = []rune{',', ';', '\t', '§'}

// csvTestChunkSizes are block sizes from one byte to the default.
var csvTestChunkSizes = []int{1, 2, 3, 5, 8, 13, 64, 1 << 20}

// compareCSVParsers checks that the parallel parser reads data as
// encoding/csv does, for each block size, and that lastRecordEnd agrees
// with csvRecordScanner on the prefixes of data.
func compareCSVParsers(t *testing.T, data []byte, delimiter rune, chunkSizes []int) {
	t.Helper()
	want := stdCSVRecords(t, data, delimiter)
	for _, size := range chunkSizes {
		got := splitCSVRecords(t, data, delimiter, size, max(size, len(data)+1))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("delimiter %q, blocks of %d: records differ from encoding/csv\ninput %q\n got %q\nwant %q",
				delimiter, size, data, got, want)
		}
	}
	delim := []byte(string(delimiter))
	s := newCSVSplitter(delimiter)
	step := max(1, len(data)/64)
	for n := 0; n <= len(data); n += step {
		if got, want := s.lastRecordEnd(data[:n]), scannerRecordEnd(delim, data[:n]); got != want {
			t.Fatalf("delimiter %q: lastRecordEnd(%q) = %d, scanner finds %d", delimiter, data[:n], got, want)
		}
	}
}

var csvParserCases = map[string]string{
	"plain":                   "a,b,c\n1,2,3\n",
	"no final line break":     "a,b\n1,2",
	"crlf":                    "a,b\r\n1,2\r\n",
	"cr at end of input":      "a,b\n1,2\r",
	"two crs at end":          "a,b\n1,2\r\r",
	"cr cr lf":                "a\r\r\nb\n",
	"cr inside field":         "a\rb,c\n",
	"empty lines":             "\n\r\na\n\n\r\n\nb\n\n",
	"only line breaks":        "\n\n\r\n\r",
	"empty input":             "",
	"empty fields":            ",,\n,\n",
	"trailing delimiter":      "a,\nb,",
	"quoted":                  "\"a\",\"b,c\"\n",
	"doubled quotes":          "\"a\"\"b\",\"\"\"\"\n",
	"quoted line breaks":      "\"a\nb\r\nc\",d\ne\n",
	"quoted empty lines":      "\"\n\n\",x\n",
	"quote then crlf":         "\"a\"\r\nb\n",
	"quote then cr":           "\"a\"\rb\nc\n",
	"quote then cr at end":    "x\n\"a\"\r",
	"quote then cr cr lf":     "\"a\"\r\r\nb\n",
	"bare quote":              "a\"b,c\nd\n",
	"bare quote later field":  "a,b\"c,\"d\ne\n",
	"bare quote last field":   "a,b\"\nc\n",
	"quote after quoted":      "\"a\"b,c\nd\n",
	"quote after quoted eol":  "\"a\"x\nd\n",
	"unterminated quote":      "a\n\"b,c\nd\n",
	"unterminated at end":     "a\n\"",
	"quote at end":            "a\n\"b\"",
	"error on continuation":   "\"a\nb\"x,c\nd\n",
	"bare on continuation":    "\"a\nb\",c\"d\ne\n",
	"nul bytes":               "a\x00,b\n\x00\n",
	"invalid utf8":            "\xff,\xc2\n\"\xc2\"\xa7,x\n",
	"section sign delimiter":  "a§b\n\"c§\"§\"d\"\"\"\n\"e\"\xc2,f\n",
	"partial multi-byte":      "\"a\"\xc2\nb\xc2\xc2\xa7\"c\"\n",
	"tabs and semicolons":     "a\tb;c\n\"d\t\";\"e\"\n",
	"quoted then delimiter":   "\"a\",\n\"b\",\r\n",
	"space before quote":      "a, \"b\"\n",
	"quote in empty field":    "a,\"\",b\n",
	"leading empty quoted":    "\"\"\n",
	"lone quote line":         "a\n\"\nb\n",
	"quote lf quote":          "\"\n\"\n",
	"many quotes":             "\"\"\"\"\"\"\n\"\"\"\",\"\"\n",
	"doubled quote then lf":   "\"a\"\"\nb\",c\n\"\"\"\n\"\nd\n",
	"delimiter after newline": "a\n,\"b\"\n",
}

func TestCSVParserMatchesEncodingCSV(t *testing.T) {
	for name, input := range csvParserCases {
		t.Run(name, func(t *testing.T) {
			for _, d := range csvTestDelimiters {
				compareCSVParsers(t, []byte(input), d, csvTestChunkSizes)
			}
		})
	}
}

// csvCorpus returns the CSV fixtures under testdata and the seed inputs
// of the CSV fuzz targets.
func csvCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	files, err := filepath.Glob("testdata/*.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = data
	}
	for _, target := range []string{"FuzzCSV", "FuzzFOCUSCSV", "FuzzCSVParser"} {
		seeds, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range seeds {
			out[name] = readFuzzSeed(t, name)
		}
	}
	return out
}

// readFuzzSeed returns the first []byte argument of a "go test fuzz v1"
// seed file.
func readFuzzSeed(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		inner, ok := strings.CutPrefix(line, "[]byte(")
		if !ok {
			continue
		}
		s, err := strconv.Unquote(strings.TrimSuffix(inner, ")"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return []byte(s)
	}
	t.Fatalf("%s: no []byte argument", name)
	return nil
}

func TestCSVParserMatchesEncodingCSVOnCorpus(t *testing.T) {
	for name, data := range csvCorpus(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			for _, d := range csvTestDelimiters {
				compareCSVParsers(t, data, d, []int{1, 7, 64, 1 << 20})
			}
		})
	}
}

func TestCSVSplitterLongRecords(t *testing.T) {
	const limit = 32
	long := strings.Repeat("x", 40)
	// A reject keeps the first bytes of its record, here all of the limit.
	tooLong := func(record string) csvResult { return csvResult{err: "too long: " + record[:limit]} }
	cases := []struct {
		name, input string
		want        []csvResult
	}{
		{
			name:  "quoted field with line breaks",
			input: "h1,h2\nshort,1\n\"" + strings.Repeat("x\n", 20) + "\",2\nafter,3\n",
			want: []csvResult{{fields: []string{"h1", "h2"}}, {fields: []string{"short", "1"}},
				tooLong("\"" + strings.Repeat("x\n", 20)), {fields: []string{"after", "3"}}},
		},
		{
			name:  "unterminated quote",
			input: "a\n\"" + long,
			want:  []csvResult{{fields: []string{"a"}}, tooLong("\"" + long)},
		},
		{
			name:  "long line with a bare quote",
			input: "a\nb\"" + long + "\nc\n",
			want:  []csvResult{{fields: []string{"a"}}, tooLong("b\"" + long), {fields: []string{"c"}}},
		},
		{
			name:  "record at the limit",
			input: strings.Repeat("y", limit-1) + "\nz\n",
			want:  []csvResult{{fields: []string{strings.Repeat("y", limit-1)}}, {fields: []string{"z"}}},
		},
		{
			name:  "record at the limit without line break",
			input: "z\n" + strings.Repeat("y", limit),
			want:  []csvResult{{fields: []string{"z"}}, {fields: []string{strings.Repeat("y", limit)}}},
		},
		{
			name:  "record one byte over the limit",
			input: strings.Repeat("y", limit) + "\nz\n",
			want:  []csvResult{tooLong(strings.Repeat("y", limit)), {fields: []string{"z"}}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, size := range []int{1, 4, 16, limit} {
				got := splitCSVRecords(t, []byte(c.input), ',', size, limit)
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("blocks of %d:\n got %q\nwant %q", size, got, c.want)
				}
			}
		})
	}
}

func TestCSVTooLongReason(t *testing.T) {
	got := csvTooLongReason(20<<20, maxCSVRecordBytes)
	want := "record of 20971520 bytes is longer than the 16777216-byte limit of a CSV record; the raw value holds its first 256 bytes"
	if got != want {
		t.Errorf("reason = %q, want %q", got, want)
	}
}

// FuzzCSVParser compares the parallel CSV parser with encoding/csv on
// arbitrary input, with the delimiter and block size taken from the
// fuzzer's numbers.
func FuzzCSVParser(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, delimiter, chunk uint8) {
		d := csvTestDelimiters[int(delimiter)%len(csvTestDelimiters)]
		compareCSVParsers(t, data, d, []int{1 + int(chunk)%32, 1 << 20})
	})
}
