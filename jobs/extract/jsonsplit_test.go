package extract

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// splitLayouts are the layouts of the readers that call streamJSONFile.
var splitLayouts = map[string]jsonLayout{
	"labelstudio": {},
	"pagerduty":   {arrays: []string{"incidents"}, objects: []string{"incident"}},
	"segment":     {arrays: []string{"batch"}, siblings: true},
}

// splitOutcome is what a walk hands on: the records, their siblings, and
// the error it returns.
type splitOutcome struct {
	records  []string
	siblings []string
	err      string
}

func collectSplit(walk func(io.Reader, jsonLayout, func(jsonRecord) error) error, r io.Reader, layout jsonLayout) splitOutcome {
	var out splitOutcome
	err := walk(r, layout, func(rec jsonRecord) error {
		out.records = append(out.records, string(rec.raw))
		out.siblings = append(out.siblings, fmt.Sprint(rec.siblings))
		return nil
	})
	out.err = fmt.Sprint(err)
	return out
}

// compareSplit fails when splitJSON hands on other records or returns
// another error than walkJSON for data, read whole and one byte at a time.
func compareSplit(t *testing.T, name string, data []byte) {
	t.Helper()
	for layoutName, layout := range splitLayouts {
		want := collectSplit(walkJSON, bytes.NewReader(data), layout)
		got := collectSplit(splitJSON, bytes.NewReader(data), layout)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s, %s layout: splitJSON = %+v\nwalkJSON = %+v", name, layoutName, got, want)
		}
		if len(data) > 4096 {
			continue
		}
		got = collectSplit(splitJSON, iotest.OneByteReader(bytes.NewReader(data)), layout)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s, %s layout, one byte per read: splitJSON = %+v\nwalkJSON = %+v", name, layoutName, got, want)
		}
	}
}

func TestSplitJSONCases(t *testing.T) {
	nested := strings.Repeat("[", 2000) + strings.Repeat("]", 2000)
	cases := map[string]string{
		"empty":                  "",
		"space only":             " \n\t ",
		"empty array":            " [ ] ",
		"numbers":                "[1, -0.5e3 ,2E+1,0]",
		"literals":               "[true,false,null]",
		"strings":                `["a\"b", "\u00e9\ud83d\ude00", "\xff\xfe", "tab\there"]`,
		"objects":                `[{"a":1,"b":[{},[]]}, {"c":{"d":"e"}} ]`,
		"two arrays":             `[{"a":1}] [{"b":2}]`,
		"array then object":      `[{"a":1}] {"incidents":[{"b":2}]}`,
		"trailing comma":         `[{"a":1},]`,
		"leading comma":          `[,{"a":1}]`,
		"missing comma":          `[{"a":1} {"b":2}]`,
		"truncated element":      `[{"a":1},{"b":`,
		"truncated after comma":  `[{"a":1},`,
		"truncated after value":  `[{"a":1}`,
		"truncated number":       `[1`,
		"truncated literal":      `[tru`,
		"bad literal":            `[{"a":1},trux]`,
		"bad number":             `[{"a":1},01]`,
		"bad fraction":           `[1.]`,
		"bad exponent":           `[1e+]`,
		"bad escape":             `[{"a":1},"\x"]`,
		"short unicode escape":   `["\u12"]`,
		"control character":      "[{\"a\":1},\"a\x01b\"]",
		"bad key":                `[{"a":1},{1:2}]`,
		"missing colon":          `[{"a" 1}]`,
		"mismatched brackets":    `[{"a":[1}]`,
		"byte order mark":        "\xef\xbb\xbf[{\"a\":1}]",
		"top-level string":       `"a"`,
		"top-level number":       `12`,
		"deep nesting":           "[1," + nested + "]",
		"incidents":              `{"incidents": [{"id":"a"},{"id":"b"}], "limit": 2, "more": false}`,
		"incidents not first":    `{"limit": 2, "incidents": [{"id":"a"}]}`,
		"incidents escaped key":  `{"incid\u0065nts": [{"id":"a"}]}`,
		"incidents not array":    `{"incidents": {"id":"a"}}`,
		"incidents twice":        `{"incidents": [{"id":"a"}], "incidents": [{"id":"b"}]}`,
		"incidents invalid":      `{"incidents": [{"id":"a"}, {"id":}]}`,
		"incidents trailing":     `{"incidents": [{"id":"a"}] "x": 1}`,
		"incidents unclosed":     `{"incidents": [{"id":"a"}]`,
		"single incident":        `{"incident": {"id":"a"}}`,
		"plain object":           `{"id":"a","n":1}`,
		"batch":                  `{"batch": [{"a":1}], "context": {"b":2}}`,
		"space between elements": "[ {\"a\":1} \n,\r\n {\"b\":2}\t]",
	}
	for name, data := range cases {
		compareSplit(t, name, []byte(data))
	}
}

func TestSplitJSONOnTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no JSON files under testdata")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		compareSplit(t, file, data)
		// A prefix of the file is a truncated file.
		for n := range len(data) {
			if n%7 == 0 {
				compareSplit(t, fmt.Sprintf("%s cut at %d", file, n), data[:n])
			}
		}
	}
}

func TestSplitJSONOnRealData(t *testing.T) {
	for _, kind := range []string{"labels", "incidents", "usage"} {
		dir := realData(t, kind)
		for _, file := range jsonTestFiles(t, dir) {
			if filepath.Ext(file) != ".json" {
				continue
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			compareSplit(t, file, data)
		}
	}
}

func TestSplitJSONOnRandomArrays(t *testing.T) {
	g := &randomJSON{rng: rand.New(rand.NewPCG(3, 5))}
	for round := range 3000 {
		g.buf = g.buf[:0]
		if round%2 == 0 {
			g.buf = append(g.buf, `{"incidents":`...)
		}
		g.buf = append(g.buf, '[')
		for i := range g.rng.IntN(5) {
			if i > 0 {
				g.buf = append(g.buf, ',')
			}
			g.value(0)
		}
		g.buf = append(g.buf, ']')
		if round%2 == 0 {
			g.buf = append(g.buf, '}')
		}
		if round%3 == 2 {
			g.mutate()
		}
		compareSplit(t, fmt.Sprintf("round %d: %q", round, g.buf), g.buf)
	}
}

func TestSplitJSONFastPathUsed(t *testing.T) {
	cases := []struct {
		file   string
		layout jsonLayout
	}{
		{"testdata/labelstudio_export.json", splitLayouts["labelstudio"]},
		{"testdata/pagerduty_list.json", splitLayouts["pagerduty"]},
		{"testdata/segment_array.json", splitLayouts["segment"]},
	}
	for _, c := range cases {
		data, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		want := collectSplit(walkJSON, bytes.NewReader(data), c.layout)
		s := &jsonSplitter{r: bytes.NewReader(data), buf: make([]byte, 0, 16)}
		handed := 0
		prefix, err := s.split(c.layout, func(jsonRecord) error {
			handed++
			return nil
		})
		if err != nil {
			t.Fatalf("%s: split: %v", c.file, err)
		}
		if handed != len(want.records) {
			t.Errorf("%s: split handed on %d records, want all %d", c.file, handed, len(want.records))
		}
		if !strings.HasSuffix(prefix, "null") {
			t.Errorf("%s: split stopped with prefix %q, want one that ends in null", c.file, prefix)
		}
	}
}

func TestSplitJSONLongElement(t *testing.T) {
	long := `{"pad":"` + strings.Repeat("x", maxSplitValue) + `"}`
	data := []byte(`[{"a":1},` + long + `,{"b":2}]`)
	want := collectSplit(walkJSON, bytes.NewReader(data), jsonLayout{})
	got := collectSplit(splitJSON, bytes.NewReader(data), jsonLayout{})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records differ: got %d records and error %s, want %d and %s", len(got.records), got.err, len(want.records), want.err)
	}
	if len(got.records) != 3 {
		t.Errorf("got %d records, want 3", len(got.records))
	}
}

func TestSplitJSONLongSpace(t *testing.T) {
	data := []byte(`[{"a":1}` + strings.Repeat(" ", maxSplitValue+10) + `,{"b":2}]`)
	compareSplit(t, "long white space", data)
}

// FuzzJSONSplit compares splitJSON with walkJSON on arbitrary input.
func FuzzJSONSplit(f *testing.F) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"incidents": [{"id":"a"},1,"x",[null]]}`))
	f.Add([]byte(`[{"a":1},]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		compareSplit(t, "input", data)
	})
}
