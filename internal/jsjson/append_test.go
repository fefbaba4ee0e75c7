package jsjson

import (
	"fmt"
	"testing"
)

func TestAppendString(t *testing.T) {
	for _, s := range []string{
		"", "plain", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", "<a>&", "\x00\x01\x1f\x7f",
		"\b\f\n\r\t\"\\", "a\u2028b\u2029c", "héllo €😀", "\xff", "a\xc3", "\xed\xa0\x80",
	} {
		want, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("AppendString(%q) = %s, want x%s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("v=0\r\na=candidate:1 1 udp 2113937151 127.0.0.1 5000 typ host\r\n")
	f.Add("\u2028\x00\"\\\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, Marshal gives %s", s, got, want)
		}
	})
}

func ExampleAppendString() {
	b := AppendString([]byte(`{"sdp":`), "v=0\r\n")
	fmt.Println(string(append(b, '}')))
	// Output: {"sdp":"v=0\r\n"}
}

func ExampleAppendArray() {
	b := AppendArray(nil, [][]string{{"x", "topic"}, {}}, func(b []byte, tag []string) []byte {
		return AppendArray(b, tag, AppendString)
	})
	fmt.Println(string(b), string(AppendArray(nil, []string(nil), AppendString)))
	// Output: [["x","topic"],[]] []
}

func TestObject(t *testing.T) {
	type ref struct {
		A string  `json:"a"`
		N int64   `json:"n"`
		T bool    `json:"t"`
		Z *string `json:"z"`
		R any     `json:"r"`
	}
	inner := NewObject(0).String("x", "<é\u2028>").Bytes()
	got := NewObject(8).String("a", "q\"\n").Int("n", -7).True("t").Null("z").Raw("r", inner).Bytes()
	want, err := Marshal(ref{A: "q\"\n", N: -7, T: true, R: map[string]string{"x": "<é\u2028>"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if string(NewObject(0).Bytes()) != "{}" {
		t.Fatal("empty object")
	}
}
