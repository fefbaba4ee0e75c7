//go:build !js

package interop

import (
	"encoding/json"
	"reflect"
	"testing"
)

// binarySize is the size of the binary transfer in every direction: 5 MiB,
// i.e. 321 chunks of Trystero 0.18's 16 KiB framing, 21 of posthorn's
// 256 KiB chunks (protocol-0.18 §5), enough to cross the 64 KiB backpressure
// threshold (§5.6) many times.
const binarySize = 5 << 20

// messages are the values every member sends every other on action "msg":
// a JS string, a number, a JSON object, Unicode text and the empty string
// (which 0.18 sends as one chunk with an empty payload, §5).
var messages = []any{
	"hello",
	42.5,
	map[string]any{"a": 1.0, "b": []any{true, nil, "x"}, "c": map[string]any{"d": "é"}},
	"naïve café — 🎉 日本語 עברית \u2028 \t\"quoted\"\\",
	"",
}

// typeOf is JS typeof of a value decoded from JSON.
func typeOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	default:
		return "object"
	}
}

// exchange sends every kind of message from → to and checks what arrives:
// the values of messages (broadcast), one send targeted at to's id and one at
// a list holding it, then a 5 MiB binary with metadata, compared by hash, with
// progress on both sides.
func exchange(t *testing.T, from, to member) {
	t.Helper()
	want := append([]any(nil), messages...)
	for _, v := range messages {
		from.Send(t, "msg", v, nil)
	}
	from.Send(t, "msg", "to one id", to.ID())
	from.Send(t, "msg", "to a list", []string{to.ID()})
	want = append(want, "to one id", "to a list")

	got := waitReceived(t, to, "msg", from.ID(), len(want))
	if len(got) != len(want) {
		t.Errorf("%s got %d messages from %s, want %d: %+v", to.Name(), len(got), from.Name(), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		var v any
		if err := json.Unmarshal(got[i].Value, &v); err != nil {
			t.Errorf("message %d: undecodable value %s: %v", i, got[i].Value, err)
			continue
		}
		if !reflect.DeepEqual(v, want[i]) || got[i].Type != typeOf(want[i]) {
			t.Errorf("message %d from %s to %s: got %s %s, want %s %s", i, from.Name(), to.Name(),
				got[i].Type, got[i].Value, typeOf(want[i]), mustJSON(want[i]))
		}
	}

	meta := map[string]any{"name": "blob-" + from.Name() + ".bin", "size": float64(binarySize), "note": "✓"}
	sum, sent := from.SendBinary(t, "bin", binarySize, meta, nil)
	bins := waitReceived(t, to, "bin", from.ID(), 1)
	b := bins[0]
	if b.Type != "binary" || b.Len != binarySize || b.SHA256 != sum {
		t.Errorf("binary %s→%s: got %s of %d bytes, sha256 %s; want %d bytes, sha256 %s",
			from.Name(), to.Name(), b.Type, b.Len, b.SHA256, binarySize, sum)
	}
	var gotMeta any
	if err := json.Unmarshal(b.Meta, &gotMeta); err != nil || !reflect.DeepEqual(gotMeta, meta) {
		t.Errorf("binary %s→%s: metadata %s, want %s", from.Name(), to.Name(), b.Meta, mustJSON(meta))
	}
	sentTo := filterProgress(sent, "", to.ID())
	recvd := filterProgress(to.RecvProgress(t), "bin", from.ID())
	checkProgress(t, from.Name()+" send progress", sentTo, nil)
	checkProgress(t, to.Name()+" receive progress", recvd, meta)
	// One report per chunk on both ends: the metadata chunk, then the data
	// in chunks of the sender's size, which the receiver reassembles
	// whatever that size (protocol-0.18 §5.4).
	chunks := 1 + (binarySize+from.ChunkPayload()-1)/from.ChunkPayload()
	if len(sentTo) != chunks || len(recvd) != chunks {
		t.Errorf("binary %s→%s: %d chunks sent, %d received; want %d of %d payload bytes",
			from.Name(), to.Name(), len(sentTo), len(recvd), chunks, from.ChunkPayload())
	}
}

// filterProgress keeps the reports of action (all when "") about peer id.
func filterProgress(ps []progress, action, id string) []progress {
	var out []progress
	for _, p := range ps {
		if (action == "" || p.Action == action) && p.ID == id {
			out = append(out, p)
		}
	}
	return out
}

// checkProgress checks a transfer's progress reports: several, never going
// down, ending at 1; with meta, every report after the first carries it
// (Trystero sends the metadata as the first chunk, §5).
func checkProgress(t *testing.T, what string, ps []progress, meta any) {
	t.Helper()
	if len(ps) < 2 {
		t.Errorf("%s: %d reports, want many", what, len(ps))
		return
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Pct < ps[i-1].Pct {
			t.Errorf("%s: went down from %v to %v at report %d", what, ps[i-1].Pct, ps[i].Pct, i)
			break
		}
	}
	if last := ps[len(ps)-1].Pct; last != 1 {
		t.Errorf("%s: last report %v, want 1", what, last)
	}
	if meta == nil {
		return
	}
	for i, p := range ps {
		var m any
		if err := json.Unmarshal(p.Meta, &m); err != nil || !reflect.DeepEqual(m, meta) {
			t.Errorf("%s: report %d carries metadata %s, want %s", what, i, p.Meta, mustJSON(meta))
			break
		}
	}
}

// pair runs the whole two-member scenario: both see each other join, data
// both ways, ping both ways, then b leaves and a sees it.
func pair(t *testing.T, a, b member) {
	waitJoined(t, a, b.ID())
	waitJoined(t, b, a.ID())
	t.Run(a.Name()+"→"+b.Name(), func(t *testing.T) { exchange(t, a, b) })
	t.Run(b.Name()+"→"+a.Name(), func(t *testing.T) { exchange(t, b, a) })
	t.Run("ping", func(t *testing.T) {
		a.Ping(t, b.ID())
		b.Ping(t, a.ID())
	})
	t.Run("leave", func(t *testing.T) {
		b.Leave(t)
		waitLeft(t, a, b.ID())
	})
}
