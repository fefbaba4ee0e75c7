package mediapair

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/v025/wire"
)

// step is one event fed to a Pairer: a message (key != "") or media (item
// != ""), with the pairing it must produce ("" for none).
type step struct {
	key, id, meta string // a message: key, its media id, its m (raw JSON)
	item          string // media: its id is id
	want          string // "item meta" delivered, or ""
}

func TestPairer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"message first, then media", []step{
			{key: "K1", id: "s1", meta: `{"a":1}`},
			{item: "S1", id: "s1", want: `S1 {"a":1}`},
		}},
		{"first in, first out across ids", []step{
			{key: "K1", id: "x", meta: `1`},
			{key: "K2", id: "y", meta: `2`},
			{item: "A", id: "a", want: "A 1"},
			{item: "B", id: "b", want: "B 2"},
		}},
		{"a message naming the media's id is preferred", []step{
			{key: "K1", id: "x", meta: `1`},
			{key: "K2", id: "y", meta: `2`},
			{item: "Y", id: "y", want: "Y 2"},
			{item: "X", id: "x", want: "X 1"},
		}},
		{"no metadata is nil, null is metadata", []step{
			{key: "K1", id: "s1"},
			{item: "S1", id: "s1", want: "S1 <nil>"},
			{key: "K2", id: "s2", meta: `null`},
			{item: "S2", id: "s2", want: "S2 null"},
		}},
		{"media first is held until its message", []step{
			{item: "S1", id: "s1"},
			{item: "S2", id: "s2"},
			{key: "K2", id: "s2", meta: `"two"`, want: `S2 "two"`},
			{key: "K1", id: "s1", meta: `"one"`, want: `S1 "one"`},
		}},
		{"known media again, by key or by id", []step{
			{key: "K1", id: "s1", meta: `1`},
			{item: "S1", id: "s1", want: "S1 1"},
			{key: "K1", id: "other", meta: `2`, want: "S1 2"},
			{key: "NEW", id: "s1", meta: `3`, want: "S1 3"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New[string](Limits{})
			for i, s := range tc.steps {
				var pair Pair[string]
				var ok bool
				if s.key != "" {
					pair, ok, _ = p.Meta(wire.MediaMeta{Key: s.key, StreamID: s.id, Meta: raw(s.meta)}, s.id)
				} else {
					pair, ok, _ = p.Media(s.id, s.item)
				}
				got := ""
				if ok {
					got = pair.Item + " " + string(pair.Meta)
					if pair.Meta == nil {
						got = pair.Item + " <nil>"
					}
				}
				if got != s.want {
					t.Errorf("step %d (%+v): got %q, want %q", i, s, got, s.want)
				}
			}
		})
	}
}

func raw(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// TestPairerBounds: a peer that sends messages without media, or media
// without messages, or many distinct media, fills nothing past the limits;
// the oldest entries go.
func TestPairerBounds(t *testing.T) {
	lim := Limits{Metas: 4, MetaBytes: 1000, Held: 3, Known: 5}
	p := New[int](lim)
	dropped := 0
	for i := range 10 {
		_, _, d := p.Meta(wire.MediaMeta{Key: "K" + string(rune('a'+i)), StreamID: "s"}, "s")
		dropped += d
	}
	if m, _ := p.Waiting(); m != 4 || dropped != 6 {
		t.Errorf("after 10 messages: %d waiting, %d dropped; want 4, 6", m, dropped)
	}
	big := json.RawMessage(`"` + strings.Repeat("x", 600) + `"`)
	for range 3 {
		p.Meta(wire.MediaMeta{Key: "B", Meta: big}, "")
	}
	if p.metaBytes > lim.MetaBytes {
		t.Errorf("%d bytes waiting, limit %d", p.metaBytes, lim.MetaBytes)
	}
	// The oldest message still waiting is the last big one: it pairs with
	// the next media.
	if pair, ok, _ := p.Media("z", 1); !ok || string(pair.Meta) != string(big) {
		t.Errorf("after the byte bound: paired %v %s", ok, pair.Meta)
	}

	q := New[int](lim)
	drops := 0
	for i := range 10 {
		if _, _, d := q.Media(string(rune('a'+i)), i); d {
			drops++
		}
	}
	if _, h := q.Waiting(); h != 3 || drops != 7 {
		t.Errorf("after 10 media: %d held, %d dropped; want 3, 7", h, drops)
	}
	for i := range 10 {
		id := string(rune('a' + i))
		q.Meta(wire.MediaMeta{Key: "k" + id, StreamID: id}, id)
	}
	if len(q.byKey.m) > lim.Known || len(q.byID.m) > lim.Known || len(q.byKey.order) > lim.Known {
		t.Errorf("remembered %d by key, %d by id; limit %d", len(q.byKey.m), len(q.byID.m), lim.Known)
	}
}
