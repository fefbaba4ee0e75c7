package jsjson

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

func TestMarshal(t *testing.T) {
	type signal struct {
		Type        string `json:"type"`
		SDP         string `json:"sdp,omitempty"`
		Renegotiate bool   `json:"renegotiate,omitempty"`
	}
	// want is what JSON.stringify gives for the same JS value.
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"object", map[string]int{"a": 1}, `{"a":1}`},
		{"struct order kept", signal{Type: "renegotiate", Renegotiate: true}, `{"type":"renegotiate","renegotiate":true}`},
		{"null", nil, `null`},
		{"number", 3.5, `3.5`},
		{"html chars raw", "<a href='x'>&</a>", `"<a href='x'>&</a>"`},
		{"line separators raw", "a\u2028b\u2029c", "\"a\u2028b\u2029c\""},
		{"escaped backslash before u2028 text", `\u2028`, `"\\u2028"`},
		{"backslash then separator", "\\\u2028", "\"\\\\\u2028\""},
		{"control chars", "\x01\b\f\n\r\t\"\\\x7f", `"\u0001\b\f\n\r\t\"\\` + "\x7f\""},
		{"negative zero", math.Copysign(0, -1), `0`},
		{"negative zero in array", []float64{math.Copysign(0, -1), -0.5, -10, 0}, `[0,-0.5,-10,0]`},
		{"-0 inside string kept", "-0", `"-0"`},
		{"big", 1e21, `1e+21`},
		{"small", 1e-7, `1e-7`},
		{"int-valued float", 100.0, `100`},
		{"raw message compacted", json.RawMessage(" { \"a\" : [ 1 , 2 ] } "), `{"a":[1,2]}`},
		{"raw -0", json.RawMessage(`{"z":-0}`), `{"z":0}`},
		{"unicode", "héllo €😀", `"héllo €😀"`},
		{"empty array", []int{}, `[]`},
		{"bool", true, `true`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Marshal(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON %s", got)
			}
		})
	}
	if _, err := Marshal(math.NaN()); err == nil {
		t.Fatal("NaN marshalled")
	}
	if _, err := Marshal(make(chan int)); err == nil {
		t.Fatal("chan marshalled")
	}
}

func ExampleMarshal() {
	b, _ := Marshal(map[string]any{"html": "<b>&</b>", "sep": "\u2028"})
	fmt.Println(string(b) == "{\"html\":\"<b>&</b>\",\"sep\":\"\u2028\"}")
	// Output: true
}
