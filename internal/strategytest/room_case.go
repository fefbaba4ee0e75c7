package strategytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/transfer"

	"github.com/posthorn/posthorn"
)

// chunkPayload is the payload room puts in one 0.18 chunk: 256 KiB minus the
// 15-byte header (chunk.Framing018Send, protocol-0.18 §5.1). A transfer of n
// bytes makes at least n/chunkPayload progress calls on each side.
var chunkPayload = chunk.Framing018Send.MaxPayload()

// testRoom is one room used step by step; a failed step ends it.
func testRoom(t *testing.T, h Harness, k RelayKind, size int) {
	r := k.Start(t)
	cfg := posthorn.Config{RelayURLs: []string{r.URL}}
	ms := joinAll(t, h, 3, "room-1", cfg)
	a, b, c := ms[0], ms[1], ms[2]
	var d *Member // the latecomer
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"meet", func(t *testing.T) { stepMeet(t, a, b, c) }},
		{"strings-json", func(t *testing.T) { stepMessages(t, a, b, c) }},
		{"binary-meta-progress", func(t *testing.T) { stepBinary(t, size, a, b, c) }},
		{"latecomer", func(st *testing.T) {
			d = Join(cleanupOn{st, t}, h, "room-1", cfg)
			meet(st, a, b, c, d)
		}},
		{"targets", func(t *testing.T) { stepTargets(t, a, b, c, d) }},
		{"ping", func(t *testing.T) { stepPing(t, a, b, c, d) }},
		{"leave", func(t *testing.T) { stepLeave(t, d, a, b, c) }},
		{"close", func(t *testing.T) { stepClose(t, c, a, b) }},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			return
		}
	}
}

// cleanupOn is a subtest whose clean-ups run when owner ends: a member
// joined in one step stays for the next.
type cleanupOn struct {
	testing.TB
	owner testing.TB
}

func (c cleanupOn) Cleanup(f func()) { c.owner.Cleanup(f) }

// stepMeet: everyone sees everyone through onPeerJoin, with exactly the
// others' ids, and getPeers agrees.
func stepMeet(t *testing.T, ms ...*Member) {
	meet(t, ms...)
	for _, m := range ms {
		joins, leaves := m.Events()
		var want []string
		for _, o := range ms {
			if o != m {
				want = append(want, o.ID)
			}
		}
		slices.Sort(want)
		got := slices.Compact(slices.Sorted(slices.Values(joins)))
		if !slices.Equal(got, want) || len(leaves) != 0 {
			t.Fatalf("%s: onPeerJoin %v, onPeerLeave %v; want joins of %v only", m.ID, joins, leaves, want)
		}
		peers := m.Room.Peers()
		if len(peers) != len(want) {
			t.Fatalf("%s: getPeers has %d peers, want %v", m.ID, len(peers), want)
		}
		for _, id := range want {
			if _, ok := peers[id]; !ok {
				t.Fatalf("%s: getPeers lacks %s", m.ID, id)
			}
		}
	}
}

// expect checks that each of at receives data of kind on action from.
func expect(t *testing.T, action string, from *Member, kind transfer.Kind, data string, at ...*Member) {
	t.Helper()
	for _, m := range at {
		r := m.Recv(t, action)
		if r.From != from.ID || r.Msg.Kind != kind || string(r.Msg.Data) != data || r.Msg.Action != action {
			t.Fatalf("%s got %q %q (kind %v) from %s; want %q (kind %v) from %s",
				m.ID, r.Msg.Action, r.Msg.Data, r.Msg.Kind, r.From, data, kind, from.ID)
		}
	}
}

// stepMessages: strings and JSON to everyone, byte-exact.
func stepMessages(t *testing.T, a, b, c *Member) {
	ctx := Ctx(t)
	const unicode = "héllo wörld — 世界 🎉 \u2028 \U0001F9EA 𝄞 e\u0301"
	tests := []struct {
		name   string
		from   *Member
		action string
		data   any
		kind   transfer.Kind
		want   string
	}{
		{"string", a, "chat", "hello from a", transfer.KindString, "hello from a"},
		{"empty string", c, "chat", "", transfer.KindString, ""},
		{"unicode", b, "chat", unicode, transfer.KindString, unicode},
		{"json object", b, "json", map[string]any{"n": 1, "s": "é<&>"}, transfer.KindJSON, `{"n":1,"s":"é<&>"}`},
		{"json array", c, "json", []any{1.5, "two", nil, true, map[string]any{}}, transfer.KindJSON, `[1.5,"two",null,true,{}]`},
		{"json raw", a, "json", json.RawMessage(`{"x":[1,2,3]}`), transfer.KindJSON, `{"x":[1,2,3]}`},
	}
	for _, tt := range tests {
		if err := tt.from.Action(tt.action).Send(ctx, tt.data, nil); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var at []*Member
		for _, m := range []*Member{a, b, c} {
			if m != tt.from {
				at = append(at, m)
			}
		}
		expect(t, tt.action, tt.from, tt.kind, tt.want, at...)
	}
}

// Pattern returns n bytes that differ with seed and position.
func Pattern(n int, seed byte) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7) ^ seed ^ byte(i>>16)
	}
	return p
}

// stepBinary: a→b and b→a at once, with metadata; progress on both sides;
// c, not a target, sees nothing.
func stepBinary(t *testing.T, size int, a, b, c *Member) {
	ctx := Ctx(t)
	type flow struct {
		from, to *Member
		data     []byte
		meta     map[string]any
		mu       sync.Mutex
		sent     []float64
		sentTo   map[string]bool
	}
	flows := []*flow{
		{from: a, to: b, data: Pattern(size, 1)},
		{from: b, to: a, data: Pattern(size, 2)},
	}
	errs := make(chan error, len(flows))
	for _, f := range flows {
		f.meta = map[string]any{"name": "file-from-" + f.from.ID, "size": size, "ü": "✓"}
		f.sentTo = map[string]bool{}
		go func() {
			errs <- f.from.Action("file").Send(ctx, f.data, &posthorn.SendOptions{
				Targets: []string{f.to.ID},
				Meta:    f.meta,
				OnProgress: func(p float64, id string) {
					f.mu.Lock()
					f.sent = append(f.sent, p)
					f.sentTo[id] = true
					f.mu.Unlock()
				},
			})
		}()
	}
	chunks := size / chunkPayload
	for _, f := range flows {
		r := f.to.Recv(t, "file")
		if r.From != f.from.ID || r.Msg.Kind != transfer.KindBinary || !bytes.Equal(r.Msg.Data, f.data) {
			t.Fatalf("%s: binary from %s differs (len %d of %d, kind %v)", f.to.ID, r.From, len(r.Msg.Data), len(f.data), r.Msg.Kind)
		}
		wantMeta, _ := jsjson.Marshal(f.meta)
		if !jsonEqual(r.Msg.Meta, wantMeta) {
			t.Fatalf("%s: metadata %s, want %s", f.to.ID, r.Msg.Meta, wantMeta)
		}
		p := f.to.Progress("file", f.from.ID)
		pcts := make([]float64, len(p))
		for i := range p {
			pcts[i] = p[i].Pct
		}
		checkProgress(t, "receiver "+f.to.ID, pcts, chunks)
		if last := p[len(p)-1].Meta; !jsonEqual(last, wantMeta) {
			t.Fatalf("receiver %s: last progress has metadata %s, want %s", f.to.ID, last, wantMeta)
		}
	}
	for range flows {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range flows {
		f.mu.Lock()
		checkProgress(t, "sender "+f.from.ID, f.sent, chunks)
		if len(f.sentTo) != 1 || !f.sentTo[f.to.ID] {
			t.Fatalf("sender %s: progress for %v, want %s only", f.from.ID, f.sentTo, f.to.ID)
		}
		f.mu.Unlock()
	}
	if n := len(c.Progress("file", a.ID)) + len(c.Progress("file", b.ID)); n != 0 {
		t.Fatalf("c saw %d progress calls of transfers not sent to it", n)
	}
}

// checkProgress: at least one call per chunk, never going back, ending at 1.
func checkProgress(t *testing.T, who string, p []float64, chunks int) {
	t.Helper()
	if len(p) < max(chunks, 1) || p[len(p)-1] != 1 {
		t.Fatalf("%s progress: %d calls (want ≥ %d), last %v", who, len(p), chunks, p[max(len(p)-1, 0):])
	}
	for i := 1; i < len(p); i++ {
		if p[i] < p[i-1] || p[i] < 0 {
			t.Fatalf("%s progress goes back at call %d: %v then %v", who, i, p[i-1], p[i])
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

// stepTargets: a sends to [b], then to [b, c], then a marker to everyone.
// Each of a's channels is ordered, so a message that reached a non-target
// would arrive before the marker.
func stepTargets(t *testing.T, a, b, c, d *Member) {
	ctx := Ctx(t)
	if err := a.Action("chat").Send(ctx, "for b only", &posthorn.SendOptions{Targets: []string{b.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Action("chat").Send(ctx, "for b and c", &posthorn.SendOptions{Targets: []string{b.ID, c.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Action("marker").Send(ctx, "marker", nil); err != nil {
		t.Fatal(err)
	}
	expect(t, "chat", a, transfer.KindString, "for b only", b)
	expect(t, "chat", a, transfer.KindString, "for b and c", b, c)
	expect(t, "marker", a, transfer.KindString, "marker", b, c, d)
	for _, m := range []*Member{b, c, d} {
		if r, ok := m.Unexpected("chat"); ok {
			t.Fatalf("%s got %q, targeted elsewhere", m.ID, r.Msg.Data)
		}
		if r, ok := m.Unexpected("file"); ok {
			t.Fatalf("%s got a stray binary from %s", m.ID, r.From)
		}
	}
}

// stepPing: ping works between every pair asked.
func stepPing(t *testing.T, a, b, c, d *Member) {
	ctx := Ctx(t)
	for _, x := range [][2]*Member{{a, b}, {b, c}, {c, d}, {d, a}} {
		if _, err := x[0].Room.Ping(ctx, x[1].ID); err != nil {
			t.Fatalf("ping %s→%s: %v", x[0].ID, x[1].ID, err)
		}
	}
}

// stepLeave: the leaver's room empties; each other member gets
// onPeerLeave for it, and only for it.
func stepLeave(t *testing.T, leaver *Member, others ...*Member) {
	if err := leaver.Room.Leave(); err != nil {
		t.Fatal(err)
	}
	for _, m := range others {
		m.WaitGone(t, leaver)
	}
	for _, m := range others {
		if _, leaves := m.Events(); !slices.Equal(leaves, []string{leaver.ID}) {
			t.Fatalf("%s: onPeerLeave %v, want [%s]", m.ID, leaves, leaver.ID)
		}
		if m.Connected(leaver.ID) {
			t.Fatalf("%s still has %s", m.ID, leaver.ID)
		}
		for _, o := range others {
			if o != m && !m.Connected(o.ID) {
				t.Fatalf("%s lost %s when %s left", m.ID, o.ID, leaver.ID)
			}
		}
	}
	if n := len(leaver.Room.Peers()); n != 0 {
		t.Fatalf("the room left still has %d peers", n)
	}
	ctx := Ctx(t)
	if err := leaver.Action("chat").Send(ctx, "after leave", nil); err == nil {
		t.Fatal("Send on a left room succeeded")
	}
}

// stepClose: closing a member's strategy leaves its room; the others see
// it leave and keep each other.
func stepClose(t *testing.T, closer *Member, others ...*Member) {
	closer.Strategy.Close()
	for _, m := range others {
		m.WaitGone(t, closer)
		for _, o := range others {
			if o != m && !m.Connected(o.ID) {
				t.Fatalf("%s lost %s when %s closed", m.ID, o.ID, closer.ID)
			}
		}
	}
	if _, err := closer.Room.Ping(Ctx(t), others[0].ID); !errors.Is(err, posthorn.ErrLeft) {
		t.Fatalf("Ping in the room of a closed strategy: %v, want posthorn.ErrLeft", err)
	}
}
