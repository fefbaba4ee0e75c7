package jsonobj_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/jsonobj"
)

// pair is the struct the fuzz test decodes with encoding/json, the
// reference for Members and String.
type pair struct {
	A string          `json:"a"`
	B json.RawMessage `json:"bee"`
}

// decodePair decodes text into a pair with Members.
func decodePair(text []byte) (pair, error) {
	var p pair
	err := jsonobj.Members(text, func(name string, v json.RawMessage) error {
		switch {
		case strings.EqualFold(name, "a"):
			return jsonobj.String(v, &p.A)
		case strings.EqualFold(name, "bee"):
			p.B = v
		}
		return nil
	})
	return p, err
}

func TestMembers(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want pair
		ok   bool
	}{
		{`{"a":"x","bee":[1, 2]}`, pair{A: "x", B: json.RawMessage(`[1, 2]`)}, true},
		{` {"A":"x","a":null,"BEE":{"a":1},"Bee":2} `, pair{A: "x", B: json.RawMessage(`2`)}, true},
		{`{"a":"\u0041\n","other":{"a":5}}`, pair{A: "A\n"}, true},
		{`null`, pair{}, true},
		{`{"a":5}`, pair{}, false},
		{`[]`, pair{}, false},
		{`{"a":"x"} {}`, pair{}, false},
		{`{"a":"x"`, pair{}, false},
	} {
		got, err := decodePair([]byte(tt.in))
		if (err == nil) != tt.ok || (err == nil && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("%s: got %+v, %v", tt.in, got, err)
		}
	}
}

// FuzzMembers: Members and String accept what encoding/json accepts into a
// struct and yield the same values.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{"a":"x","bee":[1]}`, `{"A":"\u017f","ſ":1,"bee":null}`, `null`, `{"a":null}`, ` {"bee" : {"a":[]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodePair(b)
		var want pair
		wantErr := json.Unmarshal(b, &want)
		if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: got %+v, %v; encoding/json gives %+v, %v", b, got, err, want, wantErr)
		}
	})
}
