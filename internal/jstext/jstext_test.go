package jstext

import "testing"

// Expected values follow the WHATWG UTF-8 decoder (what TextDecoder does):
// one U+FFFD per maximal subpart of an ill-formed sequence, BOM dropped.
func TestDecodeText(t *testing.T) {
	const r = "\uFFFD"
	cases := []struct {
		in, want string
	}{
		{"", ""},
		{"hello", "hello"},
		{"h\u00e9\u20ac\U0001F600", "h\u00e9\u20ac\U0001F600"},
		{"\xEF\xBB\xBF", ""},
		{"\xEF\xBB\xBFhi", "hi"},
		{"\xEF\xBB\xBF\xEF\xBB\xBF", "\uFEFF"},
		{"a\xEF\xBB\xBF", "a\uFEFF"},
		{"\xff", r},
		{"\x80\x80", r + r},
		{"\xe2\x82\x41", r + "A"},   // truncated 3-byte sequence is one subpart
		{"\xe2\x82", r},             // cut at the end
		{"\xf0\x9f\x98", r},         // cut 4-byte sequence
		{"\xf0\x80\x80", r + r + r}, // overlong lead: F0 then 80 out of range
		{"\xc0\xaf", r + r},
		{"\xc1\xbf", r + r},
		{"\xed\xa0\x80", r + r + r}, // UTF-16 surrogate
		{"\xf4\x90\x80\x80", r + r + r + r},
		{"\xf5", r},
		{"\xe0\xa0\x80", "\u0800"},
		{"\xf4\x8f\xbf\xbf", "\U0010FFFF"},
		{"a\xe2\x82\xe2\x82\xacb", "a" + r + "\u20acb"},
		{"\xEF\xBB\xBF\xff", r},
	}
	for _, c := range cases {
		if got := Decode([]byte(c.in)); got != c.want {
			t.Errorf("Decode(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
