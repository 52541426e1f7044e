package jsonquote

import (
	"encoding/json"
	"testing"
)

var cases = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>",
	"tab\tnew\nline\rcr\bback\fform", "\x00\x01\x1f\x7f", "café ünïcode 日本",
	"\u2028 line and \u2029 paragraph separators", "bad \xff utf8 \xc3", "emoji 😀",
}

func TestAppendMatchesMarshal(t *testing.T) {
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := Append(nil, s); string(got) != string(want) {
			t.Errorf("Append(%q) = %s, want %s", s, got, want)
		}
		if got := Append(nil, []byte(s)); string(got) != string(want) {
			t.Errorf("Append([]byte(%q)) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendMatchesMarshal(f *testing.F) {
	for _, s := range cases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := Append([]byte("prefix"), s); string(got) != "prefix"+string(want) {
			t.Errorf("Append(%q) = %s, want prefix%s", s, got, want)
		}
	})
}
