package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"evidencepack/config"
	"evidencepack/transforms"
)

// extraPaths are looked up in every object the tape tests compare, besides
// the paths of the object's own members.
var extraPaths = []string{"", ".", "type", "message", "message.type", "messageId",
	"properties.account_id", "context.groupId", "a", "a.b", "0", "-0", "+0", "01", "1e0", "a..b"}

// compareTape checks that tape reads raw like decodeObject and the
// map-based helpers do, and returns whether the tape accepted raw. Callers
// reuse one tape for many inputs, so that member orders cached from
// earlier inputs are used.
func compareTape(t *testing.T, tape *jsonTape, raw []byte) bool {
	t.Helper()
	obj, err := decodeObject(raw)

	if !tape.parse(raw) {
		if err == nil && bytes.Count(raw, []byte("{"))+bytes.Count(raw, []byte("[")) < maxTapeDepth {
			t.Fatalf("tape rejects %q, which decodeObject reads", raw)
		}
		return false
	}
	if err != nil {
		t.Fatalf("tape accepts %q, which decodeObject rejects: %v", raw, err)
	}

	want, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	if got := tape.appendCanonical(nil, 0, nil); !bytes.Equal(got, want) {
		t.Fatalf("canonical encoding of %q:\n got %s\nwant %s", raw, got, want)
	}

	content := maps.Clone(obj)
	for _, k := range transportMembers {
		delete(content, k)
	}
	want, err = json.Marshal(content)
	if err != nil {
		t.Fatal(err)
	}
	if got := tape.appendCanonical(nil, 0, transportMembers); !bytes.Equal(got, want) {
		t.Fatalf("encoding of %q without transport members:\n got %s\nwant %s", raw, got, want)
	}
	if got, want := tape.segmentEventID(0), segmentEventID(obj); got != want {
		t.Fatalf("event id of %q: got %+v, want %+v", raw, got, want)
	}

	for _, path := range append(objectPaths(obj, "", nil), extraPaths...) {
		want := lookupText(obj, path)
		for _, intern := range []bool{false, true} {
			got := tape.lookupText(0, jsonPath{text: path, parts: strings.Split(path, "."), intern: intern})
			if got != want {
				t.Fatalf("path %q (interned %v) of %q: got %+v, want %+v", path, intern, raw, got, want)
			}
		}
	}
	return true
}

// objectPaths returns the dotted path of every member and element under
// v, at most 200.
func objectPaths(v any, prefix string, out []string) []string {
	if len(out) >= 200 {
		return out
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			out = append(out, prefix+k)
			out = objectPaths(x[k], prefix+k+".", out)
		}
	case []any:
		for i, e := range x {
			p := prefix + strconv.Itoa(i)
			out = append(out, p)
			out = objectPaths(e, p+".", out)
		}
	}
	return out
}

// compareEveryObject runs compareTape on the text from each '{' of data
// to its end. Both parsers read the first value and ignore what follows,
// so this compares every object of the file, and also text that only
// starts with a brace inside a string.
func compareEveryObject(t *testing.T, data []byte) (objects, accepted int) {
	t.Helper()
	tape := &jsonTape{}
	for i := range data {
		if data[i] != '{' {
			continue
		}
		objects++
		if compareTape(t, tape, data[i:]) {
			accepted++
		}
	}
	return objects, accepted
}

// jsonTestFiles returns the JSON and JSON Lines files under dir.
func jsonTestFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".json", ".jsonl", ".ndjson":
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestTapeMatchesDecodeObjectOnTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Fatalf("found %d JSON test files, want at least 8", len(files))
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		objects, accepted := compareEveryObject(t, data)
		if accepted == 0 {
			t.Errorf("%s: tape accepted none of %d objects", file, objects)
		}
	}
}

func TestTapeMatchesDecodeObjectOnRealData(t *testing.T) {
	dir := realData(t, "")
	files := jsonTestFiles(t, dir)
	if len(files) == 0 {
		t.Skip("no JSON files in the real sample inputs")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		objects, accepted := compareEveryObject(t, data)
		t.Logf("%s: %d objects, %d read by the tape", filepath.Base(file), objects, accepted)
	}
}

// TestTapeEdgeCases pins inputs whose decoding differs from a plain copy
// of the input: escapes, invalid UTF-8, surrogates, duplicate keys, HTML
// characters and text after the object.
func TestTapeEdgeCases(t *testing.T) {
	cases := []struct {
		name, raw string
		accepted  bool
	}{
		{"empty object", `{}`, true},
		{"white space", " \t\r\n{ \"a\" : [ 1 , { } , [ ] ] }", true},
		{"text after object", `{"a":1} trailing {`, true},
		{"duplicate keys", `{"b":1,"a":2,"b":{"c":3},"a":null}`, true},
		{"escapes", `{"a\u00e9\n":"x\"\\\/\b\f\n\r\t\u0001\u001f"}`, true},
		{"surrogate pair", `{"e":"\ud83d\ude00"}`, true},
		{"lone surrogates", `{"e":"\ud800x\udc00\ud800\u0041\ud800\ud800"}`, true},
		{"invalid UTF-8", "{\"a\xff\":\"\xc3\x28\xe2\x82\xed\xa0\x80\"}", true},
		{"HTML characters", `{"<&>":"<script>&amp;</script>"}`, true},
		{"line separators", "{\"s\":\"a\u2028b\u2029c\"}", true},
		{"non-ASCII text", `{"name":"Zoë Çelik 日本","city":" São Paulo "}`, true},
		{"numbers", `{"n":[0,-0,1.5,-2e10,3E+2,4e-3,12345678901234567890123,0.0]}`, true},
		{"literals", `{"t":true,"f":false,"n":null}`, true},
		{"key with dot", `{"a.b":1,"a":{"b":2}}`, true},
		{"array path", `{"a":[{"b":1},{"b":[true,"x"]}]}`, true},
		{"not an object", `[1]`, false},
		{"number first", `1`, false},
		{"leading zero", `{"a":01}`, false},
		{"bare dot", `{"a":1.}`, false},
		{"bare minus", `{"a":-}`, false},
		{"bad exponent", `{"a":1e}`, false},
		{"trailing comma", `{"a":1,}`, false},
		{"array trailing comma", `{"a":[1,]}`, false},
		{"control character", "{\"a\":\"x\ty\"}", false},
		{"bad escape", `{"a":"\x"}`, false},
		{"short unicode escape", `{"a":"\u12"}`, false},
		{"single quote escape", `{"a":"\'"}`, false},
		{"unterminated", `{"a":"x`, false},
		{"missing colon", `{"a" 1}`, false},
		{"bad literal", `{"a":tru}`, false},
		{"literal suffix", `{"a":truex}`, false},
		{"unquoted key", `{a:1}`, false},
	}
	tape := &jsonTape{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := compareTape(t, tape, []byte(c.raw)); got != c.accepted {
				t.Errorf("tape accepted = %v, want %v", got, c.accepted)
			}
		})
	}
}

func TestTapeDepthLimit(t *testing.T) {
	shallow := strings.Repeat(`{"a":`, maxTapeDepth) + "1" + strings.Repeat("}", maxTapeDepth)
	if !compareTape(t, &jsonTape{}, []byte(shallow)) {
		t.Errorf("tape rejects nesting of %d objects", maxTapeDepth)
	}
	deep := strings.Repeat(`{"a":`, maxTapeDepth+1) + "1" + strings.Repeat("}", maxTapeDepth+1)
	if (&jsonTape{}).parse([]byte(deep)) {
		t.Errorf("tape accepts nesting of %d objects, above maxTapeDepth", maxTapeDepth+1)
	}
}

// TestTapeMemberOrderCache reads records on one tape whose objects have
// the same number of members in the same or another key order, or with a
// duplicate key, so that cached orders are used, found stale and replaced.
func TestTapeMemberOrderCache(t *testing.T) {
	tape := &jsonTape{}
	lines := benchSegmentLines(50)
	if !compareTape(t, tape, lines[0]) {
		t.Fatalf("tape rejects %s", lines[0])
	}
	if len(tape.orders) == 0 || len(tape.orders[0]) != 7 {
		t.Fatalf("after one event, cached orders %v, want 7 members for the event object", tape.orders)
	}
	for _, line := range lines[1:] {
		compareTape(t, tape, line)
	}
	variants := []string{
		`{"a":1,"b":{"x":1,"y":2},"c":3}`,
		`{"c":1,"b":{"y":1,"x":2},"a":3}`,
		`{"a":1,"b":{"x":1,"x":2},"c":3}`,
		`{"a":1,"a":{"x":1,"y":2},"c":3}`,
		`{"b":1,"a":{"x":1,"y":2},"c":3}`,
		`{"a":1,"b":{"x":1,"y":2},"c":3}`,
		`{"a":1,"b":[{"x":1,"y":2}],"c":3}`,
		`{"a":1,"b":{"y":1,"x":2},"c":3}`,
	}
	for _, v := range variants {
		compareTape(t, tape, []byte(v))
		compareTape(t, tape, []byte(v))
	}
}

// randomJSON writes random JSON objects for the tape comparison: keys from
// a small set so that duplicates occur, strings with escapes and bytes
// that need re-escaping, numbers in every form and random white space.
type randomJSON struct {
	rng *rand.Rand
	buf []byte
}

var (
	randomKeys = []string{"a", "b", "type", "messageId", "sentAt", "properties", "context",
		"message", "\\u0061", "é", "a.b", "", "<k>", "\\ud800", "integrations"}
	randomStrings = []string{"", "x", "track", " track ", "\\n", "\\\"q\\\"", "\\u00e9",
		"\\ud83d\\ude00", "\\ud800", "\\udc00\\ud800", "é", "日本", "\xff", "\xe2\x80\xa8",
		"<&>", "\\u2028", "\\/", "\\b\\f\\r\\t", "\\u0000", "\u00a0pad\u00a0", "\x7f"}
	randomNumbers = []string{"0", "-0", "1", "-12", "3.25", "1e5", "-2.5E-3", "6e+0",
		"12345678901234567890123456789", "0.000"}
)

func (g *randomJSON) space() {
	for g.rng.IntN(4) == 0 {
		g.buf = append(g.buf, " \t\r\n"[g.rng.IntN(4)])
	}
}

func (g *randomJSON) value(depth int) {
	g.space()
	n := 7
	if depth > 4 {
		n = 5
	}
	switch g.rng.IntN(n) {
	case 0:
		g.buf = append(g.buf, []string{"true", "false", "null"}[g.rng.IntN(3)]...)
	case 1, 2:
		g.buf = append(g.buf, randomNumbers[g.rng.IntN(len(randomNumbers))]...)
	case 3, 4:
		g.buf = append(g.buf, '"')
		for range g.rng.IntN(4) {
			g.buf = append(g.buf, randomStrings[g.rng.IntN(len(randomStrings))]...)
		}
		g.buf = append(g.buf, '"')
	case 5:
		g.object(depth + 1)
	default:
		g.buf = append(g.buf, '[')
		for i := range g.rng.IntN(4) {
			if i > 0 {
				g.buf = append(g.buf, ',')
			}
			g.value(depth + 1)
		}
		g.space()
		g.buf = append(g.buf, ']')
	}
	g.space()
}

func (g *randomJSON) object(depth int) {
	g.buf = append(g.buf, '{')
	for i := range g.rng.IntN(6) {
		if i > 0 {
			g.buf = append(g.buf, ',')
		}
		g.space()
		g.buf = append(g.buf, '"')
		g.buf = append(g.buf, randomKeys[g.rng.IntN(len(randomKeys))]...)
		g.buf = append(g.buf, '"')
		g.space()
		g.buf = append(g.buf, ':')
		g.value(depth)
	}
	g.space()
	g.buf = append(g.buf, '}')
}

// mutate overwrites a few bytes with ones that JSON treats specially, so
// that some inputs are invalid in ways close to valid ones.
func (g *randomJSON) mutate() {
	special := []byte("{}[]\",:\\ 0-.eE+u\t\x01\xff")
	for range 1 + g.rng.IntN(3) {
		g.buf[g.rng.IntN(len(g.buf))] = special[g.rng.IntN(len(special))]
	}
}

func TestTapeMatchesDecodeObjectOnRandomJSON(t *testing.T) {
	g := &randomJSON{rng: rand.New(rand.NewPCG(7, 11))}
	tape := &jsonTape{}
	accepted, rejected := 0, 0
	for round := range 20000 {
		g.buf = g.buf[:0]
		g.object(0)
		if round%3 == 2 {
			g.mutate()
		}
		if compareTape(t, tape, g.buf) {
			accepted++
		} else {
			rejected++
		}
	}
	t.Logf("tape accepted %d objects and rejected %d", accepted, rejected)
	if accepted < 13000 || rejected < 1000 {
		t.Errorf("accepted %d and rejected %d, want at least 13000 valid and 1000 invalid inputs", accepted, rejected)
	}
}

// FuzzJSONTape compares the tape with decodeObject, json.Marshal and
// lookupText on arbitrary input.
func FuzzJSONTape(f *testing.F) {
	files, err := filepath.Glob("testdata/*.json*")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			f.Add(bytes.Clone(line))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tape := &jsonTape{}
		compareTape(t, tape, data)
		// The second parse uses the member orders cached by the first.
		compareTape(t, tape, data)
	})
}

// compareReaders reads file with the tape and with maps and fails when
// the record count, error, facts or rejects differ, or when there are no
// outcomes to compare.
func compareReaders(t *testing.T, src config.Source, file string) {
	t.Helper()
	if compareReaderOutcomes(t, src, file) == 0 {
		t.Errorf("%s: no outcomes to compare", file)
	}
}

// compareReaderOutcomes is compareReaders for any file. It returns the
// number of outcomes compared.
func compareReaderOutcomes(t *testing.T, src config.Source, file string) int {
	t.Helper()
	tapeReader, err := New(src)
	if err != nil {
		t.Fatal(err)
	}
	mapReader, err := New(src)
	if err != nil {
		t.Fatal(err)
	}
	switch r := mapReader.(type) {
	case *segmentReader:
		r.decodeMaps = true
	case *genericReader:
		r.decodeMaps = true
	case *pagerDutyReader:
		r.decodeMaps = true
	case *labelStudioReader:
		r.decodeMaps = true
	default:
		t.Fatalf("reader %T has no map path", mapReader)
	}
	got, want := &testSink{}, &testSink{}
	gotN, gotErr := tapeReader.Read(context.Background(), file, got)
	wantN, wantErr := mapReader.Read(context.Background(), file, want)
	if gotN != wantN || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Errorf("%s: tape read %d records with error %v, maps %d with error %v", file, gotN, gotErr, wantN, wantErr)
	}
	if !reflect.DeepEqual(got.facts, want.facts) {
		t.Errorf("%s: facts differ\n got: %s\nwant: %s", file, factsText(got.facts), factsText(want.facts))
	}
	if !reflect.DeepEqual(got.rejects, want.rejects) {
		t.Errorf("%s: rejects differ\n got: %+v\nwant: %+v", file, got.rejects, want.rejects)
	}
	return len(got.facts) + len(got.rejects)
}

func factsText(facts []transforms.Fact) string {
	var b strings.Builder
	for _, f := range facts {
		fmt.Fprintf(&b, "\n  %+v", f)
		if e, ok := f.(*transforms.UsageEvent); ok && e.HandleTimeSeconds != nil {
			fmt.Fprintf(&b, " handle time %v", *e.HandleTimeSeconds)
		}
	}
	return b.String()
}

func TestSegmentTapeMatchesMaps(t *testing.T) {
	src := segmentSource()
	src.EventTypes["Case Reopened"] = "case_reopened"
	src.EventTypes["Download"] = "case_resolved"
	for _, file := range []string{"testdata/segment_events.jsonl", "testdata/segment_batch.json",
		"testdata/segment_array.json", "testdata/segment_tape.jsonl"} {
		compareReaders(t, src, file)
	}
	withFields := src
	withFields.Fields = map[string]string{"event_id": "properties.case_id", "account_id": "context.groupId"}
	compareReaders(t, withFields, "testdata/segment_tape.jsonl")
}

func TestSegmentTapeMatchesMapsOnRealData(t *testing.T) {
	dir := realData(t, "usage")
	src := segmentSource()
	src.Account = "demo"
	src.EventTypes["Download"] = "case_resolved"
	src.EventTypes["test track event GA3"] = "suggestion_accepted"
	for _, file := range jsonTestFiles(t, dir) {
		compareReaders(t, src, file)
	}
}

func TestGenericJSONLTapeMatchesMaps(t *testing.T) {
	for _, src := range genericSources(FormatJSONL) {
		for _, file := range []string{"testdata/generic_labels.jsonl", "testdata/generic_incidents.jsonl",
			"testdata/segment_tape.jsonl", "testdata/generic_costs.jsonl"} {
			compareReaders(t, src, file)
		}
	}
}

func TestInternStringBounds(t *testing.T) {
	tape := &jsonTape{}
	for i := range maxInternedStrings + 100 {
		text := "account-" + strconv.Itoa(i)
		if got := tape.internString([]byte(text)); got != text {
			t.Fatalf("internString(%q) = %q", text, got)
		}
		if len(tape.interned) > maxInternedStrings {
			t.Fatalf("after %d texts the table has %d entries, want at most %d", i+1, len(tape.interned), maxInternedStrings)
		}
	}
	before := len(tape.interned)
	long := strings.Repeat("x", maxInternedBytes+1)
	if got := tape.internString([]byte(long)); got != long {
		t.Errorf("internString of %d bytes = %q", len(long), got)
	}
	if len(tape.interned) != before {
		t.Errorf("a text of %d bytes was added to the table", len(long))
	}
}
