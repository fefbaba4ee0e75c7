package nostrrelay

import (
	"encoding/json"
	"errors"
	"testing"

	gonostr "github.com/nbd-wtf/go-nostr"

	"github.com/posthorn/posthorn/internal/nip01"
)

func TestFilterMatches(t *testing.T) {
	e := &event{Event: nip01.Event{ID: "aa", PubKey: "pp", Kind: 29333, CreatedAt: 100, Tags: [][]string{{"x", "topic"}, {"p", "bob"}}}}
	tests := []struct {
		filter string
		want   bool
	}{
		{`{}`, true},
		{`{"kinds":[1,29333]}`, true},
		{`{"kinds":[1]}`, false},
		{`{"#x":["topic"]}`, true},
		{`{"#x":["other","topic"]}`, true},
		{`{"#x":["other"]}`, false},
		{`{"#x":["topic"],"#p":["bob"]}`, true},
		{`{"#x":["topic"],"#p":["eve"]}`, false},
		{`{"#e":["topic"]}`, false},
		{`{"since":100,"until":100}`, true},
		{`{"since":101}`, false},
		{`{"until":99}`, false},
		{`{"ids":["aa"],"authors":["pp"]}`, true},
		{`{"authors":["qq"]}`, false},
		{`{"unknown":[1],"#longtag":["x"]}`, true},
	}
	for _, tc := range tests {
		f, err := parseFilter(json.RawMessage(tc.filter), DefaultMaxFilterValues)
		if err != nil {
			t.Fatalf("%s: %v", tc.filter, err)
		}
		if got := f.matches(e); got != tc.want {
			t.Errorf("%s matches = %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func TestParseEventChecksIDAndSignature(t *testing.T) {
	e := gonostr.Event{Kind: 29333, Tags: gonostr.Tags{{"x", "trystero/a/<r>&"}}, Content: "\"é\u2028\\n\x01\"", CreatedAt: 5}
	if err := e.Sign(gonostr.GeneratePrivateKey()); err != nil {
		t.Fatal(err)
	}
	if _, err := parseEvent(json.RawMessage(e.String())); err != nil {
		t.Fatalf("valid event: %v", err)
	}
	e.Content += " "
	if _, err := parseEvent(json.RawMessage(e.String())); !errors.Is(err, ErrEventID) {
		t.Fatalf("tampered content: %v", err)
	}
}

func FuzzParseClientMessage(f *testing.F) {
	for _, s := range []string{
		`["REQ","s",{"kinds":[29333],"since":1,"#x":["t"]}]`,
		`["CLOSE","s"]`,
		`["EVENT",{"id":"00","kind":1}]`,
		`["REQ","s",{"limit":-1}]`, `[1]`, `{}`, `["REQ","s",{"#x":[1]}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseClientMessage(b, 4, DefaultMaxFilterValues)
		if err != nil {
			if !errors.Is(err, ErrMessage) {
				t.Fatalf("error does not wrap ErrMessage: %v", err)
			}
			return
		}
		switch m.Type {
		case "REQ":
			if m.SubID == "" || len(m.SubID) > maxSubIDLen || len(m.Filters) == 0 || len(m.Filters) > 4 {
				t.Fatalf("accepted bad REQ %+v", m)
			}
			for i := range m.Filters {
				m.Filters[i].matches(&event{Event: nip01.Event{Tags: [][]string{{"x"}, {"x", "t"}}}})
			}
		case "EVENT":
			if _, err := parseEvent(m.Event); err == nil {
				t.Fatalf("fuzzer forged a signed event: %s", b)
			}
		case "CLOSE":
		default:
			t.Fatalf("accepted type %q", m.Type)
		}
	})
}
