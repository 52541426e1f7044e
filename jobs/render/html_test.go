package render

import (
	"strings"
	"testing"
)

func TestHTMLEscapesAccountText(t *testing.T) {
	db := openCase(t, "expansion")
	p := buildPack(t, db, "acme", "2026-Q3")
	p.Account = `<script>alert("x")</script> O'Brien & "Sons"`
	p.AccountID = `acme"><img src=x onerror=alert(1)>`
	for _, encode := range []func() ([]byte, error){
		func() ([]byte, error) { return encodeHTML(p) },
		func() ([]byte, error) { return encodeIndex("2026-Q3", []*Pack{p}) },
	} {
		page, err := encode()
		if err != nil {
			t.Fatal(err)
		}
		text := string(page)
		if strings.Contains(text, "<script>alert") {
			t.Errorf("page contains the unescaped script tag")
		}
		if strings.Contains(text, "<img src=x") {
			t.Errorf("page contains the unescaped account id")
		}
		if !strings.Contains(text, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; O&#39;Brien &amp; &#34;Sons&#34;") {
			t.Errorf("page lacks the escaped account name")
		}
	}
}

func TestHTMLEmptySections(t *testing.T) {
	db := openCase(t, "adoption")
	page, err := encodeHTML(buildPack(t, db, "acme", "2026-Q3"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{noIncidents, noReviewLabels, noCostLines} {
		if !strings.Contains(string(page), want) {
			t.Errorf("html lacks %q", want)
		}
	}
}

func TestHTMLSelfContained(t *testing.T) {
	db := openCase(t, "incidents")
	page, err := encodeHTML(buildPack(t, db, "acme", "2026-07"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fetch := range []string{"http://", "https://", "<script src", "<link rel=\"stylesheet\""} {
		if strings.Contains(string(page), fetch) {
			t.Errorf("html contains %q, which would fetch from the network", fetch)
		}
	}
	if !strings.Contains(string(page), "<svg") {
		t.Errorf("html has no inline svg chart")
	}
}

func TestChartNumber(t *testing.T) {
	cases := map[string]float64{"€3693.27": 3693.27, "-$8.98": -8.98, "CHF 5.00": 5, "40.7%": 40.7, "-11.8pp": -11.8}
	for text, want := range cases {
		if got, ok := chartNumber(text); !ok || got != want {
			t.Errorf("chartNumber(%q) = %v, %v, want %v", text, got, ok, want)
		}
	}
	if _, ok := chartNumber(notAvailable); ok {
		t.Errorf("chartNumber(n/a) reported a number")
	}
}

// TestHTMLProvenanceHashTitles checks that each provenance hash, which
// the style cuts to its row on screen, carries its full value as a title.
func TestHTMLProvenanceHashTitles(t *testing.T) {
	db := openCase(t, "expansion")
	page, err := encodeHTML(buildPack(t, db, "acme", "2026-Q3"))
	if err != nil {
		t.Fatal(err)
	}
	for _, hash := range []string{testProvenance.InputsSHA256, testProvenance.ViewsSHA256} {
		if !strings.Contains(string(page), `<dd title="`+hash+`"><code>`+hash+`</code></dd>`) {
			t.Errorf("provenance row of %s lacks the full hash as its title", hash)
		}
	}
}
