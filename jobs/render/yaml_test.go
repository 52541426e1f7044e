package render

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v3"
)

// checkYAMLMatchesReflect fails when encodeYAML and the yaml package
// encode p differently.
func checkYAMLMatchesReflect(t *testing.T, name string, p *Pack) {
	t.Helper()
	got, err := encodeYAML(p)
	if err != nil {
		t.Fatal(err)
	}
	want, err := encodeYAMLReflect(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: yaml differs from the yaml package\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

// writesOwnYAML reports whether yamlWriter encodes p without the yaml
// package.
func writesOwnYAML(p *Pack) bool {
	w := yamlWriter{ok: true}
	w.pack(p)
	return w.ok
}

func TestYAMLMatchesReflectOnViewCases(t *testing.T) {
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
		name := c.fixture + "/" + c.account + "/" + c.period
		checkYAMLMatchesReflect(t, name, p)
		if !writesOwnYAML(p) {
			t.Errorf("%s: encoded by the yaml package, want by yamlWriter", name)
		}
	}
}

func TestYAMLMatchesReflectOnSyntheticPacks(t *testing.T) {
	db := openSynthetic(t, 24)
	for _, period := range []string{"2026-Q3", "2026-08"} {
		packs, err := BuildAll(context.Background(), db, period, testProvenance)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range packs {
			checkYAMLMatchesReflect(t, p.AccountID+"/"+period, p)
			if !writesOwnYAML(p) {
				t.Errorf("%s %s: encoded by the yaml package, want by yamlWriter", p.AccountID, period)
			}
		}
	}
}

func TestYAMLMatchesReflectOnRandomPacks(t *testing.T) {
	own := 0
	for seed := range uint64(400) {
		p := randomPack(seed)
		checkYAMLMatchesReflect(t, "seed "+strconv.FormatUint(seed, 10), p)
		if writesOwnYAML(p) {
			own++
		}
	}
	// Random strings often contain a line break, which takes the yaml
	// package, so both paths must be covered.
	if own == 0 || own == 400 {
		t.Errorf("yamlWriter encoded %d of 400 random packs, want some but not all", own)
	}
}

func TestYAMLWithoutFormulas(t *testing.T) {
	for _, formulas := range []map[string]string{nil, {}, {"Upper": "x"}, {"a1": "x"}} {
		p := randomPack(1)
		p.Formulas = formulas
		checkYAMLMatchesReflect(t, "formulas "+strconv.Itoa(len(formulas)), p)
	}
}

func FuzzYAMLMatchesReflect(f *testing.F) {
	f.Add(uint64(1), "Acme: a #1", "2026-10-08")
	f.Add(uint64(2), "$1,234.56", "€0.00")
	f.Add(uint64(3), "false", "- x")
	f.Fuzz(func(t *testing.T, seed uint64, a, b string) {
		p := randomPack(seed)
		p.Account, p.Cost.Total = a, b
		p.DataQualityNotes = append(p.DataQualityNotes, a, b)
		checkYAMLMatchesReflect(t, "fuzz", p)
	})
}

// FuzzPlainYAMLString checks that every string plainYAMLString accepts is
// one that the yaml package writes unquoted.
func FuzzPlainYAMLString(f *testing.F) {
	for _, s := range []string{"Acme Health", "$1,234.56", "falsey", "null thing", "Zürich AG", "a: b", "a #b",
		"a\u2028b", "tab\tx", "end ", "€5.00", "yes sir", "Emoji 🙂 x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !plainYAMLString(s) {
			return
		}
		out, err := yaml.Marshal(map[string]string{"k": s})
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != "k: "+s+"\n" {
			t.Errorf("plainYAMLString(%q) is true, but the yaml package writes %q", s, out)
		}
	})
}
