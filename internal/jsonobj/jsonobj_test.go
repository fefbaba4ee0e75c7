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

func TestElements(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{`["EVENT", "s" ,{"a":[1,"]"]}]`, []string{`"EVENT"`, `"s"`, `{"a":[1,"]"]}`}, true},
		{` [ 1 , true,null ,[] ] `, []string{`1`, `true`, `null`, `[]`}, true},
		{`[]`, nil, true},
		{`null`, nil, true},
		{`{}`, nil, false},
		{`"x"`, nil, false},
		{`[1,]`, nil, false},
		{`[1] [2]`, nil, false},
	} {
		got, err := elements([]byte(tt.in))
		if (err == nil) != tt.ok || (err == nil && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("%s: got %q, %v", tt.in, got, err)
		}
	}
}

// elements collects what Elements yields.
func elements(text []byte) ([]string, error) {
	var out []string
	err := jsonobj.Elements(text, func(v json.RawMessage) error {
		out = append(out, string(v))
		return nil
	})
	return out, err
}

// FuzzElements: Elements accepts what encoding/json accepts into a
// []json.RawMessage and yields the same elements.
func FuzzElements(f *testing.F) {
	for _, s := range []string{`["EVENT","s",{"a":1}]`, `[ 1 ,"\"]" , [[]] ]`, `null`, `[]`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := elements(b)
		var raw []json.RawMessage
		wantErr := json.Unmarshal(b, &raw)
		var want []string
		for _, r := range raw {
			want = append(want, string(r))
		}
		if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: got %q, %v; encoding/json gives %q, %v", b, got, err, want, wantErr)
		}
	})
}

// FuzzBool: Bool decodes as encoding/json does into a bool.
func FuzzBool(f *testing.F) {
	for _, s := range []string{`true`, `false`, `null`, `1`, `"true"`} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, b []byte, start bool) {
		if !json.Valid(b) {
			return // Bool is given valid, trimmed member values
		}
		b = []byte(strings.TrimSpace(string(b)))
		got, want := start, start
		err := jsonobj.Bool(b, &got)
		wantErr := json.Unmarshal(b, &want)
		if (err == nil) != (wantErr == nil) || got != want {
			t.Fatalf("%q: got %v, %v; encoding/json gives %v, %v", b, got, err, want, wantErr)
		}
	})
}
