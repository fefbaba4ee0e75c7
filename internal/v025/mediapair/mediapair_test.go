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
	key, id, meta string // a message: key, its media id (t, or s), its m (raw JSON)
	group         string // a track's stream: the message's s, the media's group
	item          string // media: its id is id
	announced     bool   // media: its group is announced from this step on
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
		{"known also by the id the message named", []step{
			{key: "K1", id: "sent-id", group: "g", meta: `1`},
			{item: "T1", id: "seen-id", group: "g", want: "T1 1"},
			{key: "NEW", id: "sent-id", meta: `2`, want: "T1 2"},
		}},
		{"a track's stream is preferred to the oldest", []step{
			{key: "K1", id: "t1", group: "g1", meta: `1`},
			{key: "K2", id: "t2", group: "g2", meta: `2`},
			{item: "T2", id: "other", group: "g2", want: "T2 2"},
		}},
		{"a late track of an announced stream takes no other message", []step{
			{key: "K1", id: "t1", group: "g1", meta: `1`},
			{item: "LATE", id: "v", group: "cam", announced: true},
			{item: "T1", id: "t1", group: "g1", want: "T1 1"},
		}},
		{"a late track of an announced stream leaves a message for its stream", []step{
			{key: "K2", id: "mic2", group: "cam", meta: `2`},
			{item: "MIC", id: "mic", group: "cam", announced: true},
			{item: "MIC2", id: "mic2", group: "cam", announced: true, want: "MIC2 2"},
		}},
		{"a held track of a stream announced since takes no message for that stream", []step{
			{item: "MIC", id: "mic", group: "cam"},
			{group: "cam", announced: true}, // the stream pairer delivered cam
			{key: "K2", id: "mic2", group: "cam", meta: `2`},
			{item: "MIC2", id: "mic2", group: "cam", want: "MIC2 2"},
		}},
		{"held media found by its group", []step{
			{item: "T1", id: "seen", group: "g1"},
			{key: "K1", id: "sent", group: "g1", meta: `1`, want: "T1 1"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New[string](Limits{})
			announced := map[string]bool{}
			p.Announced = func(g string) bool { return announced[g] }
			for i, s := range tc.steps {
				if s.announced {
					announced[s.group] = true
				}
				if s.key == "" && s.item == "" {
					continue
				}
				var pair Pair[string]
				var ok bool
				if s.key != "" {
					m := wire.MediaMeta{Key: s.key, StreamID: s.id, Meta: raw(s.meta)}
					if s.group != "" {
						m.StreamID, m.TrackID = s.group, s.id
					}
					pair, ok, _ = p.Meta(m)
				} else {
					pair, ok, _ = p.Media(s.id, s.group, s.item)
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
		_, _, d := p.Meta(wire.MediaMeta{Key: "K" + string(rune('a'+i)), StreamID: "s"})
		dropped += d
	}
	if m, _ := p.Waiting(); m != 4 || dropped != 6 {
		t.Errorf("after 10 messages: %d waiting, %d dropped; want 4, 6", m, dropped)
	}
	big := json.RawMessage(`"` + strings.Repeat("x", 600) + `"`)
	for range 3 {
		p.Meta(wire.MediaMeta{Key: "B", Meta: big})
	}
	if p.metaBytes > lim.MetaBytes {
		t.Errorf("%d bytes waiting, limit %d", p.metaBytes, lim.MetaBytes)
	}
	// The oldest message still waiting is the last big one: it pairs with
	// the next media.
	if pair, ok, _ := p.Media("z", "", 1); !ok || string(pair.Meta) != string(big) {
		t.Errorf("after the byte bound: paired %v %s", ok, pair.Meta)
	}

	q := New[int](lim)
	drops := 0
	for i := range 10 {
		if _, _, d := q.Media(string(rune('a'+i)), "", i); d {
			drops++
		}
	}
	if _, h := q.Waiting(); h != 3 || drops != 7 {
		t.Errorf("after 10 media: %d held, %d dropped; want 3, 7", h, drops)
	}
	for i := range 10 {
		id := string(rune('a' + i))
		q.Meta(wire.MediaMeta{Key: "k" + id, StreamID: id})
	}
	if len(q.byKey.m) > lim.Known || len(q.byID.m) > lim.Known || len(q.byKey.order) > lim.Known {
		t.Errorf("remembered %d by key, %d by id; limit %d", len(q.byKey.m), len(q.byID.m), lim.Known)
	}
}
