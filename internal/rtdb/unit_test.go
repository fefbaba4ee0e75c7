package rtdb

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	for _, tt := range []struct {
		in, ws string
	}{
		{"trystero-94db3.firebaseio.com", "wss://trystero-94db3.firebaseio.com/.ws?ns=trystero-94db3&v=5"},
		{"https://app-1.europe-west1.firebasedatabase.app/", "wss://app-1.europe-west1.firebasedatabase.app/.ws?ns=app-1&v=5"},
		{"http://127.0.0.1:9000?ns=demo", "ws://127.0.0.1:9000/.ws?ns=demo&v=5"},
		{"ws://127.0.0.1:5000/", "ws://127.0.0.1:5000/.ws?ns=127&v=5"},
	} {
		d, err := ParseURL(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := d.WebSocketURL(""); got != tt.ws {
			t.Errorf("%s: %s, want %s", tt.in, got, tt.ws)
		}
	}
	if got, _ := ParseURL("a.firebaseio.com"); got.WebSocketURL("s-usc1.firebaseio.com") != "wss://s-usc1.firebaseio.com/.ws?ns=a&v=5" {
		t.Errorf("redirected URL %s", got.WebSocketURL("s-usc1.firebaseio.com"))
	}
	for _, bad := range []string{"", "ftp://x.firebaseio.com", "https://", "http://[::1"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestPushIDs: ids are 20 characters of the SDK alphabet, start with the
// time, and strictly increase, also within one millisecond and when the
// clock goes back.
func TestPushIDs(t *testing.T) {
	clock := time.UnixMilli(1_700_000_000_000)
	g := PushIDs{now: func() time.Time { return clock }}
	var got []string
	for i := range 300 {
		if i%100 == 99 {
			clock = clock.Add(-time.Second)
		} else if i%7 == 0 {
			clock = clock.Add(time.Millisecond)
		}
		got = append(got, g.Next())
	}
	for i, id := range got {
		if len(id) != 20 {
			t.Fatalf("%q has %d characters", id, len(id))
		}
		for _, c := range id {
			if !containsRune(pushChars, c) {
				t.Fatalf("%q has %q", id, c)
			}
		}
		if i > 0 && got[i-1] >= id {
			t.Fatalf("%q after %q", id, got[i-1])
		}
	}
	if !sort.StringsAreSorted(got) {
		t.Fatal("not sorted")
	}
	// the SDK's time prefix for this instant
	g2 := PushIDs{now: func() time.Time { return time.UnixMilli(0) }}
	if id := g2.Next(); id[:8] != "--------" {
		t.Fatalf("epoch prefix %q", id[:8])
	}
}

func containsRune(s string, c rune) bool {
	for _, x := range s {
		if x == c {
			return true
		}
	}
	return false
}

// TestTree applies sets and merges as the database does: null removes,
// emptied objects vanish, merges touch only their members.
func TestTree(t *testing.T) {
	var tr Tree
	steps := []struct {
		e    Event
		want string
	}{
		{Event{Data: json.RawMessage(`{"a":{"_":true},"b":{"_":true,"a":{"-1":"x"}}}`)}, `{"a":{"_":true},"b":{"_":true,"a":{"-1":"x"}}}`},
		{Event{Path: "b/a/-1", Data: json.RawMessage(`null`)}, `{"a":{"_":true},"b":{"_":true}}`},
		{Event{Path: "a", Merge: true, Data: json.RawMessage(`{"b/-2":"y","_":null}`)}, `{"a":{"b":{"-2":"y"}},"b":{"_":true}}`},
		{Event{Path: "a/b/-2", Data: json.RawMessage(`null`)}, `{"b":{"_":true}}`},
		{Event{Path: "c", Data: json.RawMessage(`{"x":null}`)}, `{"b":{"_":true}}`},
		{Event{Path: "b/_/deep", Data: json.RawMessage(`1`)}, `{"b":{"_":{"deep":1}}}`},
		{Event{Data: json.RawMessage(`null`)}, `null`},
	}
	for i, s := range steps {
		if err := tr.Apply(s.e); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		var want any
		_ = json.Unmarshal([]byte(s.want), &want)
		if !reflect.DeepEqual(tr.Get(), want) {
			t.Fatalf("step %d: %v, want %v", i, tr.Get(), want)
		}
	}
	if err := tr.Apply(Event{Data: json.RawMessage(`{`)}); err == nil {
		t.Fatal("bad JSON applied")
	}
	if err := tr.Apply(Event{Merge: true, Data: json.RawMessage(`"x"`)}); err == nil {
		t.Fatal("merge of a non-object applied")
	}
}

func FuzzTree(f *testing.F) {
	f.Add("", `{"a":{"_":true}}`, false)
	f.Add("a/b", `{"c":null}`, true)
	f.Fuzz(func(t *testing.T, path, data string, merge bool) {
		var tr Tree
		_ = tr.Apply(Event{Data: json.RawMessage(`{"a":{"b":{"c":"d"}}}`)})
		if err := tr.Apply(Event{Path: path, Data: json.RawMessage(data), Merge: merge}); err != nil {
			return
		}
		if _, err := json.Marshal(tr.Get()); err != nil {
			t.Fatalf("tree does not marshal: %v", err)
		}
	})
}
