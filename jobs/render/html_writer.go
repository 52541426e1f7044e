package render

import (
	"bytes"
	"math"
	"strconv"
	"sync"
)

// htmlWriter appends the HTML of a pack page to buf. The page code writes
// the markup with raw and every value from the pack with text, fragment,
// count or px. Each method escapes as html/template escapes a value in the
// same place, so pages keep the bytes they had when a template rendered
// them.
type htmlWriter struct {
	buf []byte
}

// raw appends markup that contains no data.
func (w *htmlWriter) raw(s string) { w.buf = append(w.buf, s...) }

// text appends s escaped for HTML text, a quoted attribute value or the
// body of a title element. html/template escapes all three with one table:
// NUL, ", &, ', +, < and >.
func (w *htmlWriter) text(s string) { w.buf = appendHTMLEscaped(w.buf, s) }

// fragment appends s as the fragment of a URL after "#" in a quoted
// attribute. As html/template's URL escaper does, it percent-encodes
// every byte except ASCII letters, digits and "-._~", so no byte is left
// for the attribute escaper to change.
func (w *htmlWriter) fragment(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isURLUnreserved(c) {
			w.buf = append(w.buf, c)
			continue
		}
		w.buf = append(w.buf, '%', lowerHex[c>>4], lowerHex[c&0xf])
	}
}

// count appends an integer as templates print it.
func (w *htmlWriter) count(n int64) { w.buf = strconv.AppendInt(w.buf, n, 10) }

// px appends a chart coordinate with one decimal, the px template
// function. A positive infinity prints as "+Inf", whose "+" the text
// escaper turns into "&#43;".
func (w *htmlWriter) px(v float64) {
	if math.IsInf(v, 1) {
		w.raw("&#43;Inf")
		return
	}
	w.buf = strconv.AppendFloat(w.buf, v, 'f', 1, 64)
}

const lowerHex = "0123456789abcdef"

func isURLUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// appendHTMLEscaped appends s with the replacements of html/template's
// HTML escaper. Only ASCII bytes are replaced, so working on bytes gives
// the same result as html/template's loop over runes, invalid UTF-8
// included.
func appendHTMLEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var replacement string
		switch s[i] {
		case 0:
			replacement = "\uFFFD"
		case '"':
			replacement = "&#34;"
		case '&':
			replacement = "&amp;"
		case '\'':
			replacement = "&#39;"
		case '+':
			replacement = "&#43;"
		case '<':
			replacement = "&lt;"
		case '>':
			replacement = "&gt;"
		default:
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, replacement...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}

// figure writes one figure: its value, and when it has a formula, the
// formula on hover and a link to its footnote.
func (w *htmlWriter) figure(f figure) {
	if f.Formula == "" {
		w.text(f.Value)
		return
	}
	w.raw(`<abbr title="`)
	w.text(f.Formula)
	w.raw(`">`)
	w.text(f.Value)
	w.raw(`</abbr> <a class="note" href="#`)
	w.fragment(f.Anchor)
	w.raw(`" title="Formula `)
	w.count(int64(f.Note))
	w.raw(`">[`)
	w.count(int64(f.Note))
	w.raw(`]</a>`)
}

// figures writes a definition list of figures.
func (w *htmlWriter) figures(list []figure) {
	w.raw("\n<dl class=\"figures\">\n  ")
	for _, f := range list {
		w.raw("<div><dt>")
		w.text(f.Label)
		w.raw("</dt><dd>")
		w.figure(f)
		w.raw("</dd></div>")
	}
	w.raw("\n</dl>\n")
}

// packStyle is the style element of a pack page. It is rendered once from
// the style template, because html/template drops the comments of CSS
// inside a style element and the page must keep those bytes.
var packStyle = sync.OnceValue(func() string {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, "packstyle", nil); err != nil {
		panic("render the pack style: " + err.Error())
	}
	return buf.String()
})
