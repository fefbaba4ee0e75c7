//go:build !js

package interop

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/transfer"
)

// kindRecord is one message a native peer received: its kind, payload and
// metadata as they came off the wire.
type kindRecord struct {
	Kind transfer.Kind
	Data string
	Meta string // the metadata's JSON; "" when the message had none
}

// TestKinds025 sends every kind of data with and without metadata (0.25
// carries metadata with any kind and any JSON value as metadata, null and 7
// included, protocol-0.25 §8) both ways between real
// @trystero-p2p/mqtt@0.25.4 and native posthorn, then a binary of several
// chunks each way with sender and receiver progress.
func TestKinds025(t *testing.T) {
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assets025(t, mqtt025.pkg))
	cfg := joinConfig{AppID: appID, Relays: []string{mqtt025.relay(t)}, Room: "v025-kinds"}
	js := openPage025(t, b, site, "js")
	js.join(t, cfg)
	n := joinNative025(t, mqtt025, "native", nativeID(t, js.id, true), cfg)
	eventually(t, "both sides to see each other join", func() bool {
		j, _, _ := n.snapshot()
		return slices.Contains(j, js.id) && slices.Contains(js.joined(t), n.id)
	})

	var mu sync.Mutex
	var got []kindRecord
	var progress []progress025
	record := func(m transfer.Message, from string) {
		mu.Lock()
		defer mu.Unlock()
		if from != js.id {
			t.Errorf("message from %q", from)
		}
		got = append(got, kindRecord{Kind: m.Kind, Data: string(m.Data), Meta: string(m.Meta)})
	}
	n.msg.OnReceive(record)
	n.bin.OnReceive(record)
	n.bin.OnProgress(func(pct float64, from string, meta json.RawMessage) {
		mu.Lock()
		defer mu.Unlock()
		var m any
		_ = json.Unmarshal(meta, &m)
		progress = append(progress, progress025{Action: "bin", ID: from, Pct: pct, Meta: m})
	})
	received := func() []kindRecord { mu.Lock(); defer mu.Unlock(); return slices.Clone(got) }

	// Page to native, one message at a time so that their order is known.
	fromJS := []struct {
		send string // the JS call
		want kindRecord
	}{
		{`H.send("txt", 7)`, kindRecord{transfer.KindString, "txt", "7"}},
		{`H.send("", null)`, kindRecord{transfer.KindString, "", "null"}},
		{`H.send(42, "m")`, kindRecord{transfer.KindJSON, "42", `"m"`}},
		{`H.send(true)`, kindRecord{transfer.KindJSON, "true", ""}},
		{`H.send({k: [1, 2]}, {a: 1})`, kindRecord{transfer.KindJSON, `{"k":[1,2]}`, `{"a":1}`}},
		{`H.send([1, "two"], [null])`, kindRecord{transfer.KindJSON, `[1,"two"]`, `[null]`}},
		{`H.send(new Uint8Array([1, 2, 3]), {b: true})`, kindRecord{transfer.KindBinary, "\x01\x02\x03", `{"b":true}`}},
		// A view sends the bytes it covers, not its whole buffer (§8).
		{`H.send(new Uint8Array([9, 8, 7, 6]).subarray(1, 3))`, kindRecord{transfer.KindBinary, "\x08\x07", ""}},
		{`H.send(new Float32Array([1.5]).buffer, 0)`, kindRecord{transfer.KindBinary, "\x00\x00\xc0\x3f", "0"}},
	}
	for i, c := range fromJS {
		js.page.Eval(t, c.send, nil)
		eventually(t, c.send+" to arrive", func() bool { return len(received()) > i })
		if r := received()[i]; r != c.want {
			t.Errorf("%s: native received %+v, want %+v", c.send, r, c.want)
		}
	}

	// Native to page.
	fromGo := []struct {
		data any
		meta any
		want record025 // as the page records it (binary as size and sum)
	}{
		{"txt", json.RawMessage("7"), record025{"msg", n.id, "txt", 7.0}},
		{42, json.RawMessage("null"), record025{"msg", n.id, 42.0, nil}},
		{map[string]any{"k": []int{1, 2}}, json.RawMessage(`"m"`), record025{"msg", n.id, map[string]any{"k": []any{1.0, 2.0}}, "m"}},
		{[]byte{1, 2, 3}, map[string]int{"b": 1}, record025{"msg", n.id, map[string]any{"size": 3.0, "sum": 6.0}, map[string]any{"b": 1.0}}},
		{nil, nil, record025{"msg", n.id, nil, nil}},
	}
	for i, c := range fromGo {
		var opts *posthorn.SendOptions
		if c.meta != nil {
			opts = &posthorn.SendOptions{Meta: c.meta}
		}
		if err := n.msg.Send(t.Context(), c.data, opts); err != nil {
			t.Fatalf("send %v: %v", c.data, err)
		}
		var recv []record025
		eventually(t, fmt.Sprintf("%v to arrive", c.data), func() bool {
			recv = browsertest.EvalAs[[]record025](t, js.page, "H.recv")
			return len(recv) > i
		})
		if r := recv[i]; fmt.Sprint(r) != fmt.Sprint(c.want) {
			t.Errorf("send %#v: page received %+v, want %+v", c.data, r, c.want)
		}
	}

	// A binary of seven data chunks each way, with progress on both sides.
	const size = 100_000
	var sent struct{ Size, Sum int }
	js.page.Eval(t, fmt.Sprintf(`H.sendBin(%d, {name: "js"})`, size), &sent)
	eventually(t, "the page's binary to arrive", func() bool { return len(received()) > len(fromJS) })
	if r := received()[len(fromJS)]; r.Kind != transfer.KindBinary || len(r.Data) != size || sum65521([]byte(r.Data)) != sent.Sum || r.Meta != `{"name":"js"}` {
		t.Errorf("native received a %v of %d bytes, meta %s", r.Kind, len(r.Data), r.Meta)
	}
	mu.Lock()
	wantChunkProgress(t, "native receive", progress, js.id, map[string]any{"name": "js"})
	mu.Unlock()
	wantChunkProgress(t, "page send", browsertest.EvalAs[[]progress025](t, js.page, "H.sendProgress"), n.id, map[string]any{"name": "js"})

	big := make([]byte, size)
	for i := range big {
		big[i] = byte(i * 31)
	}
	var sendProgress []progress025
	if err := n.bin.Send(t.Context(), big, &posthorn.SendOptions{Meta: map[string]string{"name": "go"},
		OnProgress: func(pct float64, id string) {
			sendProgress = append(sendProgress, progress025{Action: "bin", ID: id, Pct: pct})
		}}); err != nil {
		t.Fatal(err)
	}
	wantChunkProgress(t, "native send", sendProgress, js.id, nil)
	eventually(t, "the native binary to arrive", func() bool {
		return len(browsertest.EvalAs[[]record025](t, js.page, "H.recv")) > len(fromGo)
	})
	if r := browsertest.EvalAs[[]record025](t, js.page, "H.recv")[len(fromGo)]; fmt.Sprint(r.Data) != fmt.Sprintf("map[size:%d sum:%d]", size, sum65521(big)) || fmt.Sprint(r.Meta) != "map[name:go]" {
		t.Errorf("page received %+v", r)
	}
	pageProgress := slices.DeleteFunc(browsertest.EvalAs[[]progress025](t, js.page, "H.recvProgress"),
		func(p progress025) bool { return p.Action != "bin" })
	wantChunkProgress(t, "page receive", pageProgress, n.id, map[string]any{"name": "go"})
	if e := browsertest.EvalAs[[]string](t, js.page, "H.errors"); len(e) != 0 {
		t.Errorf("page errors %v", e)
	}
}

// sum65521 is the checksum harness025.js computes over binary data.
func sum65521(b []byte) int {
	s := 0
	for _, x := range b {
		s = (s + int(x)) % 65521
	}
	return s
}

// wantChunkProgress wants one report per chunk of a 100 000-byte binary
// with metadata from or to id: the metadata chunk, then seven data chunks
// (protocol-0.25 §8), rising strictly and ending at 1, each with meta
// (unless nil).
func wantChunkProgress(t *testing.T, what string, ps []progress025, id string, meta any) {
	t.Helper()
	if len(ps) != 8 {
		t.Errorf("%s: %d progress reports, want 8: %v", what, len(ps), ps)
		return
	}
	for i, p := range ps {
		if p.ID != id || (i > 0 && p.Pct <= ps[i-1].Pct) || (meta != nil && fmt.Sprint(p.Meta) != fmt.Sprint(meta)) {
			t.Errorf("%s: report %d is %+v (all: %v)", what, i, p, ps)
			return
		}
	}
	if last := ps[len(ps)-1].Pct; last != 1 {
		t.Errorf("%s: last progress %v, want 1", what, last)
	}
}
