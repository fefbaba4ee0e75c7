//go:build !js

package browsertest

import "testing"

func TestRemoteJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"undefined", `{"type":"undefined"}`, ""},
		{"null", `{"type":"null"}`, "null"},
		{"string", `{"type":"string","value":"a\"b"}`, `"a\"b"`},
		{"number", `{"type":"number","value":1.5}`, "1.5"},
		{"NaN", `{"type":"number","value":"NaN"}`, "null"},
		{"minus zero", `{"type":"number","value":"-0"}`, "0"},
		{"bool", `{"type":"boolean","value":true}`, "true"},
		{"bigint", `{"type":"bigint","value":"12345678901234567890"}`, "12345678901234567890"},
		{"date", `{"type":"date","value":"2026-01-02T03:04:05.000Z"}`, `"2026-01-02T03:04:05.000Z"`},
		{"array with holes", `{"type":"array","value":[{"type":"number","value":1},{"type":"undefined"},{"type":"function"}]}`, "[1,null,null]"},
		{"object keeps order, drops undefined", `{"type":"object","value":[["b",{"type":"number","value":2}],["u",{"type":"undefined"}],["a",{"type":"array","value":[]}]]}`, `{"b":2,"a":[]}`},
		{"nested", `{"type":"object","value":[["o",{"type":"object","value":[["x",{"type":"string","value":"é"}]]}]]}`, `{"o":{"x":"é"}}`},
		{"map", `{"type":"map","value":[[{"type":"string","value":"k"},{"type":"boolean","value":false}]]}`, `{"k":false}`},
		{"set", `{"type":"set","value":[{"type":"string","value":"s"}]}`, `["s"]`},
		{"cycle (no value)", `{"type":"object","internalId":"1"}`, "{}"},
		{"object met twice", `{"type":"array","value":[{"type":"object","internalId":"7","value":[["f",{"type":"string","value":"x"}]]},{"type":"object","internalId":"7"}]}`, `[{"f":"x"},{"f":"x"}]`},
		{"node", `{"type":"node","sharedId":"x"}`, "{}"},
		{"object with only undefined", `{"type":"object","value":[["u",{"type":"undefined"}]]}`, "{}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := remoteJSON([]byte(tc.in))
			if err != nil || string(got) != tc.want {
				t.Fatalf("remoteJSON(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	if _, err := remoteJSON([]byte(`{"type":"array","value":{}}`)); err == nil {
		t.Fatal("a malformed array gave no error")
	}
}
