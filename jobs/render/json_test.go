package render

import (
	"bytes"
	"context"
	"strconv"
	"testing"
)

// checkJSONMatchesReflect fails when encodeJSON and encoding/json encode p
// differently.
func checkJSONMatchesReflect(t *testing.T, name string, p *Pack) {
	t.Helper()
	want, err := encodeJSONReflect(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := encodeJSON(p); !bytes.Equal(got, want) {
		t.Errorf("%s: json differs from encoding/json\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestJSONMatchesReflectOnViewCases(t *testing.T) {
	cases := []struct{ fixture, account, period string }{
		{"handle_time", "acme", "2026-Q3"},
		{"costs", "acme", "2026-Q3"},
		{"costs", "beta", "2026-Q3"},
		{"costs", "gamma", "2026-08"},
		{"incidents", "acme", "2026-07"},
		{"reviews", "acme", "2026-Q3"},
		{"adoption", "acme", "2026-Q3"},
		{"expansion", "acme", "2026-Q3"},
	}
	for _, c := range cases {
		p := buildPack(t, openCase(t, c.fixture), c.account, c.period)
		checkJSONMatchesReflect(t, c.fixture+"/"+c.account+"/"+c.period, p)
	}
}

func TestJSONMatchesReflectOnSyntheticPacks(t *testing.T) {
	db := openSynthetic(t, 24)
	for _, period := range []string{"2026-Q3", "2026-08"} {
		packs, err := BuildAll(context.Background(), db, period, testProvenance)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range packs {
			checkJSONMatchesReflect(t, p.AccountID+"/"+period, p)
		}
	}
}

func TestJSONMatchesReflectOnRandomPacks(t *testing.T) {
	for seed := range uint64(400) {
		checkJSONMatchesReflect(t, "seed "+strconv.FormatUint(seed, 10), randomPack(seed))
	}
}

// TestJSONOfNilLists checks the lists and maps that encoding/json writes
// as null when nil, and the pointers it leaves out or writes as null.
func TestJSONOfNilLists(t *testing.T) {
	p := &Pack{}
	checkJSONMatchesReflect(t, "zero pack", p)
	p = randomPack(5)
	p.Value.Trend, p.Cost.ByService, p.Trust.Log, p.ExpansionCandidates, p.DataQualityNotes = nil, nil, nil, nil, nil
	p.Formulas = map[string]string{}
	p.FeedbackIncorporatedLabels = &FeedbackLabels{}
	checkJSONMatchesReflect(t, "nil lists", p)
}

func FuzzJSONMatchesReflect(f *testing.F) {
	f.Add(uint64(1), "<a href=\"x\">&amp;\u2028\x00\x7f", "\xff\xfe€")
	f.Fuzz(func(t *testing.T, seed uint64, a, b string) {
		p := randomPack(seed)
		p.Account, p.Cost.Total = a, b
		p.Formulas = map[string]string{a: b, b: a}
		checkJSONMatchesReflect(t, "fuzz", p)
	})
}
