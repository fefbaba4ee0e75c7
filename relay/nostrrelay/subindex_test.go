package nostrrelay

import (
	"encoding/json"
	"testing"

	"github.com/posthorn/posthorn/internal/nip01"
)

func mustFilter(t *testing.T, s string) filter {
	t.Helper()
	f, err := parseFilter(json.RawMessage(s), DefaultMaxFilterValues)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The index yields each subscription an event may match once, including
// those without a tag condition, and forgets removed ones entirely.
func TestSubIndex(t *testing.T) {
	ix := newSubIndex()
	room := &subscription{filters: []filter{mustFilter(t, `{"kinds":[29333],"#x":["room","other"]}`)}}
	mixed := &subscription{filters: []filter{mustFilter(t, `{"#x":["room"]}`), mustFilter(t, `{"authors":["a"]}`)}}
	elsewhere := &subscription{filters: []filter{mustFilter(t, `{"#x":["elsewhere"],"#e":["z"]}`)}}
	for _, s := range []*subscription{room, mixed, elsewhere} {
		ix.add(s)
	}
	got := map[*subscription]int{}
	e := &event{Event: nip01.Event{Kind: 29333, Tags: [][]string{{"x", "room"}, {"x", "other"}, {"p", "q"}}}}
	ix.candidates(e, func(s *subscription) { got[s]++ })
	if got[room] != 1 || got[mixed] != 1 || got[elsewhere] != 0 || len(got) != 2 {
		t.Fatalf("candidates %v", got)
	}
	for _, s := range []*subscription{room, mixed, elsewhere} {
		ix.remove(s)
	}
	if len(ix.byTag) != 0 || len(ix.rest) != 0 {
		t.Fatalf("index keeps %d tag keys, %d others", len(ix.byTag), len(ix.rest))
	}
}
