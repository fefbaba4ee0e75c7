package posthorn

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

func TestEveryoneSeesEveryone(t *testing.T) {
	var mu sync.Mutex
	joined := map[string][]string{}
	done := make(chan struct{}, 6)
	ms := mesh(t, 3, func(self *member, id string) {
		mu.Lock()
		joined[self.id] = append(joined[self.id], id)
		mu.Unlock()
		done <- struct{}{}
	})
	for range 6 {
		recv(t, done, "onPeerJoin")
	}
	for _, m := range ms {
		var want []string
		for _, o := range ms {
			if o != m {
				want = append(want, o.id)
				if !m.room.hasPeer(o.id) {
					t.Errorf("%s: HasPeer(%s) = false", m.id, o.id)
				}
			}
		}
		sort.Strings(want)
		mu.Lock()
		have := slices.Sorted(slices.Values(joined[m.id]))
		mu.Unlock()
		if !slices.Equal(have, want) {
			t.Errorf("%s: onPeerJoin ids %v, want %v", m.id, have, want)
		}
		peers := m.room.Peers()
		if len(peers) != 2 {
			t.Errorf("%s: Peers() has %d entries, want 2", m.id, len(peers))
		}
		for _, id := range want {
			if _, ok := peers[id]; !ok {
				t.Errorf("%s: Peers()[%s] has no connection", m.id, id)
			}
		}
	}
}

func TestSendKinds(t *testing.T) {
	ms := mesh(t, 2, nil)
	a, b := ms[0], ms[1]
	send, err := a.room.MakeAction("chat")
	if err != nil {
		t.Fatal(err)
	}
	_, in := collect(t, b, "chat")
	tests := []struct {
		name     string
		data     any
		meta     any
		kind     string
		want     string
		wantMeta string
	}{
		{"string", "hi ✓", nil, "string", "hi ✓", ""},
		{"empty string", "", nil, "string", "", ""},
		{"object", map[string]any{"a": 1, "b": []int{2}}, nil, "json", `{"a":1,"b":[2]}`, ""},
		{"raw json", json.RawMessage(`{"z":true}`), nil, "json", `{"z":true}`, ""},
		{"number", 3.5, nil, "json", `3.5`, ""},
		{"nil is null", nil, nil, "json", `null`, ""},
		{"html not escaped", "<a&b>", nil, "string", "<a&b>", ""},
		{"struct", struct {
			X string `json:"x"`
		}{"<"}, nil, "json", `{"x":"<"}`, ""},
		{"binary", []byte{0, 1, 2, 255}, nil, "binary", "\x00\x01\x02\xff", ""},
		{"empty binary", []byte{}, nil, "binary", "", ""},
		{"binary meta", []byte("abc"), map[string]string{"name": "x"}, "binary", "abc", `{"name":"x"}`},
		{"binary array meta", []byte("abc"), []int{1}, "binary", "abc", `[1]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := send.Send(testCtx(t), tc.data, &SendOptions{Meta: tc.meta}); err != nil {
				t.Fatal(err)
			}
			g := recv(t, in, "message")
			if g.kind != tc.kind || string(g.data) != tc.want || g.meta != tc.wantMeta || g.peerID != a.id {
				t.Errorf("got kind %s data %q meta %q from %s, want %s %q %q from %s",
					g.kind, g.data, g.meta, g.peerID, tc.kind, tc.want, tc.wantMeta, a.id)
			}
		})
	}
}

// progressLog records progress values per peer and checks they rise to 1.
type progressLog struct {
	mu   sync.Mutex
	vals map[string][]float64
}

func (p *progressLog) add(pct float64, id string) {
	p.mu.Lock()
	if p.vals == nil {
		p.vals = map[string][]float64{}
	}
	p.vals[id] = append(p.vals[id], pct)
	p.mu.Unlock()
}

func (p *progressLog) check(t *testing.T, what, id string, wantCalls int) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.vals[id]
	if len(v) != wantCalls {
		t.Errorf("%s: %d progress calls for %s, want %d", what, len(v), id, wantCalls)
	}
	if len(v) == 0 || v[len(v)-1] != 1 {
		t.Errorf("%s: progress for %s does not end at 1", what, id)
	}
	for i := 1; i < len(v); i++ {
		if v[i] < v[i-1] || v[i] < 0 || v[i] > 1 {
			t.Fatalf("%s: progress not monotonic in [0,1]: %v then %v", what, v[i-1], v[i])
		}
	}
}

func TestLargeBinaryWithMetaBothWays(t *testing.T) {
	const size = 40 << 20
	ms := mesh(t, 2, nil)
	f := chunk.Framing018Send
	// chunks = meta chunk + ceil(size/262129) data chunks (protocol-0.18 §5.3)
	wantChunks := 1 + (size+f.MaxPayload()-1)/f.MaxPayload()

	type side struct {
		m        *member
		act      *Action
		in       <-chan got
		payload  []byte
		sent     progressLog
		received progressLog
		metas    map[string]bool
	}
	sides := make([]*side, 2)
	for i, m := range ms {
		s := &side{m: m, payload: make([]byte, size), metas: map[string]bool{}}
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		for j := range s.payload {
			s.payload[j] = byte(rng.Uint32())
		}
		s.act, s.in = collect(t, m, "file")
		s.act.OnProgress(func(pct float64, id string, meta json.RawMessage) {
			s.received.add(pct, id)
			s.received.mu.Lock()
			s.metas[string(meta)] = true
			s.received.mu.Unlock()
		})
		sides[i] = s
	}
	errs := make(chan error, 2)
	for i, s := range sides {
		other := sides[1-i]
		go func() {
			errs <- s.act.Send(testCtx(t), s.payload, &SendOptions{
				Targets:    []string{other.m.id},
				Meta:       map[string]any{"name": "blob-" + s.m.id, "size": size},
				OnProgress: s.sent.add,
			})
		}()
	}
	for range 2 {
		if err := recv(t, errs, "Send"); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range sides {
		other := sides[1-i]
		g := recv(t, other.in, "40 MiB message")
		if g.kind != "binary" || g.peerID != s.m.id {
			t.Fatalf("got %s from %s", g.kind, g.peerID)
		}
		if sha256.Sum256(g.data) != sha256.Sum256(s.payload) {
			t.Fatalf("40 MiB payload from %s differs", s.m.id)
		}
		wantMeta := `{"name":"blob-` + s.m.id + `","size":41943040}`
		if g.meta != wantMeta {
			t.Errorf("meta %s, want %s", g.meta, wantMeta)
		}
		s.sent.check(t, "sender", other.m.id, wantChunks)
		other.received.check(t, "receiver", s.m.id, wantChunks)
		// Every progress call carried the metadata (chunk 0 is the meta chunk).
		if len(other.metas) != 1 || !other.metas[wantMeta] {
			t.Errorf("receiver progress metas %v, want only %s", other.metas, wantMeta)
		}
	}
}

func TestTargetedSends(t *testing.T) {
	ms := mesh(t, 3, nil)
	a, b, c := ms[0], ms[1], ms[2]
	send, err := a.room.MakeAction("chat")
	if err != nil {
		t.Fatal(err)
	}
	_, inB := collect(t, b, "chat")
	_, inC := collect(t, c, "chat")
	ctx := testCtx(t)

	if err := send.Send(ctx, "to b", &SendOptions{Targets: []string{b.id}}); err != nil {
		t.Fatal(err)
	}
	if err := send.Send(ctx, "to b and c", &SendOptions{Targets: []string{b.id, c.id, "nobody"}}); err != nil {
		t.Fatal(err)
	}
	if err := send.Send(ctx, "to c", &SendOptions{Targets: []string{c.id}}); err != nil {
		t.Fatal(err)
	}
	if err := send.Send(ctx, "all", nil); err != nil {
		t.Fatal(err)
	}
	// A channel is ordered, so what arrived before "all" is everything that
	// was sent to that peer.
	for _, tc := range []struct {
		in   <-chan got
		want []string
	}{{inB, []string{"to b", "to b and c", "all"}}, {inC, []string{"to b and c", "to c", "all"}}} {
		var have []string
		for len(have) == 0 || have[len(have)-1] != "all" {
			have = append(have, string(recv(t, tc.in, "message").data))
		}
		if !slices.Equal(have, tc.want) {
			t.Errorf("received %q, want %q", have, tc.want)
		}
	}
	if !a.log.Has("skipping targets that are not connected") {
		t.Error("unknown target was not logged")
	}
}

func TestUnregisteredActionDropped(t *testing.T) {
	ms := mesh(t, 2, nil)
	a, b := ms[0], ms[1]
	secret, err := a.room.MakeAction("secret")
	if err != nil {
		t.Fatal(err)
	}
	chat, err := a.room.MakeAction("chat")
	if err != nil {
		t.Fatal(err)
	}
	_, in := collect(t, b, "chat")
	ctx := testCtx(t)
	if err := secret.Send(ctx, make([]byte, 50000), nil); err != nil {
		t.Fatal(err)
	}
	if err := chat.Send(ctx, "after", nil); err != nil {
		t.Fatal(err)
	}
	if g := recv(t, in, "message"); string(g.data) != "after" {
		t.Fatalf("got %q", g.data)
	}
	if !b.log.Has("dropped chunk of an action this room has not made") {
		t.Error("unregistered type not logged")
	}
}

func TestPing(t *testing.T) {
	ms := mesh(t, 2, nil)
	a, b := ms[0], ms[1]
	ctx := testCtx(t)
	for _, m := range []*member{a, b} {
		other := a
		if m == a {
			other = b
		}
		var wg sync.WaitGroup
		for range 3 { // concurrent pings resolve one pong each
			wg.Go(func() {
				d, err := m.room.Ping(ctx, other.id)
				if err != nil || d <= 0 {
					t.Errorf("Ping = %v, %v", d, err)
				}
			})
		}
		wg.Wait()
	}
	if _, err := a.room.Ping(ctx, ""); !errors.Is(err, ErrNoPeerID) {
		t.Errorf("Ping(\"\") = %v", err)
	}
	var unknown *UnknownPeerError
	if _, err := a.room.Ping(ctx, "nobody"); !errors.As(err, &unknown) || unknown.ID != "nobody" {
		t.Errorf("Ping(nobody) = %v", err)
	}
}

// TestPingDuringTransfer pings both ways while a large message is on its
// way: pongs that cannot go out at once (the channel busy with data or over
// its high-water mark) wait on the control queue and still arrive, and the
// message arrives whole.
func TestPingDuringTransfer(t *testing.T) {
	ms := mesh(t, 2, nil)
	a, b := ms[0], ms[1]
	ctx := testCtx(t)
	big := make([]byte, 8<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	_, in := collect(t, b, "big")
	ab, err := a.room.MakeAction("big")
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() { sent <- ab.Send(ctx, big, nil) }()
	var wg sync.WaitGroup
	for _, d := range [][2]*member{{a, b}, {b, a}} {
		wg.Go(func() {
			for range 20 {
				if _, err := d[0].room.Ping(ctx, d[1].id); err != nil {
					t.Errorf("Ping during the transfer: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := recv(t, sent, "the sender"); err != nil {
		t.Fatal(err)
	}
	if g := recv(t, in, "the big message"); !bytes.Equal(g.data, big) {
		t.Fatalf("got %d bytes, not the %d sent", len(g.data), len(big))
	}
}

func TestLeave(t *testing.T) {
	leaves := make(chan [2]string, 8)
	ms := make([]*member, 3)
	onLeave := 0
	for i := range ms {
		ms[i] = &member{id: ids.New(ids.SelfIDLen), log: &testutil.LogRecorder{}}
	}
	for i, m := range ms {
		opts := roomlink.Options{SelfID: m.id, Logger: quietLogger()}
		if i == 0 {
			opts.OnLeave = func() { onLeave++ }
		}
		m.room = newRoom(opts)
		m.room.OnPeerLeave(func(id string) { leaves <- [2]string{m.id, id} })
	}
	for i := range ms {
		for j := i + 1; j < 3; j++ {
			link(t, ms[i], ms[j])
		}
	}
	a := ms[0]
	act, err := a.room.MakeAction("chat")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.room.Leave(); err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]bool{}
	for range 2 {
		got[recv(t, leaves, "onPeerLeave")] = true
	}
	for _, o := range ms[1:] {
		if !got[[2]string{o.id, a.id}] {
			t.Errorf("%s did not see %s leave (saw %v)", o.id, a.id, got)
		}
		if o.room.hasPeer(a.id) {
			t.Errorf("%s still has %s", o.id, a.id)
		}
	}
	if err := a.room.Leave(); err != nil || onLeave != 1 {
		t.Errorf("second Leave = %v, OnLeave called %d times", err, onLeave)
	}
	if err := act.Send(testCtx(t), "x", nil); !errors.Is(err, ErrLeft) {
		t.Errorf("Send after Leave = %v", err)
	}
	if _, err := a.room.Ping(testCtx(t), ms[1].id); !errors.Is(err, ErrLeft) {
		t.Errorf("Ping after Leave = %v", err)
	}
	if len(a.room.Peers()) != 0 {
		t.Error("Peers() not empty after Leave")
	}
	// The remaining two still talk; nothing fired for the leaver itself.
	if _, err := ms[1].room.Ping(testCtx(t), ms[2].id); err != nil {
		t.Error(err)
	}
	select {
	case l := <-leaves:
		t.Errorf("unexpected onPeerLeave %v", l)
	default:
	}
}

func TestPeerVanishesMidTransfer(t *testing.T) {
	const size = 40 << 20
	a, b := newMember(t), newMember(t)
	leftA, leftB := make(chan string, 1), make(chan string, 1)
	a.room.OnPeerLeave(func(id string) { leftA <- id })
	b.room.OnPeerLeave(func(id string) { leftB <- id })
	_, bp := link(t, a, b)
	send, err := a.room.MakeAction("file")
	if err != nil {
		t.Fatal(err)
	}
	recvAct, in := collect(t, b, "file")
	b.room.mu.Lock()
	bConn := b.room.peers[a.id].active
	b.room.mu.Unlock()
	var once sync.Once
	recvAct.OnProgress(func(pct float64, _ string, _ json.RawMessage) {
		if pct > 0.2 {
			once.Do(func() { go bp.Close() })
		}
	})
	var sent progressLog
	err = send.Send(testCtx(t), make([]byte, size), &SendOptions{OnProgress: sent.add})
	if !errors.Is(err, ErrPeerLeft) || !strings.Contains(err.Error(), b.id) {
		t.Fatalf("Send after the target vanished = %v, want an error wrapping ErrPeerLeft naming %s", err, b.id)
	}
	if id := recv(t, leftA, "onPeerLeave on the sender"); id != b.id {
		t.Errorf("sender saw %s leave", id)
	}
	if id := recv(t, leftB, "onPeerLeave on the receiver"); id != a.id {
		t.Errorf("receiver saw %s leave", id)
	}
	sent.mu.Lock()
	n := len(sent.vals[b.id])
	sent.mu.Unlock()
	if n == 0 || n >= size/chunk.Framing018Send.MaxPayload() {
		t.Errorf("sender reported %d chunks before stopping", n)
	}
	select {
	case g := <-in:
		t.Errorf("receiver delivered a partial message of %d bytes", len(g.data))
	default:
	}
	if n, p := bConn.reasm.Buffered(), bConn.reasm.Pending(); n != 0 || p != 0 {
		t.Errorf("receiver still holds %d bytes in %d partial transmissions", n, p)
	}
	// A new send to the vanished peer finds no target.
	if err := send.Send(testCtx(t), "x", &SendOptions{Targets: []string{b.id}}); err != nil {
		t.Errorf("Send to departed peer = %v", err)
	}
}

func TestReceiveCallbacksLatestWins(t *testing.T) {
	ms := mesh(t, 2, nil)
	a, b := ms[0], ms[1]
	send, _ := a.room.MakeAction("chat")
	recvAct, _ := b.room.MakeAction("chat")
	first, second := make(chan string, 4), make(chan string, 4)
	recvAct.OnReceive(func(m transfer.Message, _ string) { first <- string(m.Data) })
	recvAct.OnReceive(func(m transfer.Message, _ string) { second <- string(m.Data) })
	if err := send.Send(testCtx(t), "x", nil); err != nil {
		t.Fatal(err)
	}
	if v := recv(t, second, "latest callback"); v != "x" {
		t.Fatalf("got %q", v)
	}
	select {
	case <-first:
		t.Error("replaced callback was called")
	default:
	}
}

func TestReceiveLimits(t *testing.T) {
	a := newMember(t)
	b := &member{id: ids.New(ids.SelfIDLen), log: &testutil.LogRecorder{}}
	b.room = newRoom(roomlink.Options{SelfID: b.id, Logger: slog.New(b.log), Limits: transfer.Limits{MaxMessage: 100_000}})
	t.Cleanup(func() { _ = b.room.Leave() })
	link(t, a, b)
	send, _ := a.room.MakeAction("file")
	_, in := collect(t, b, "file")
	ctx := testCtx(t)
	if err := send.Send(ctx, make([]byte, 300_000), nil); err != nil {
		t.Fatal(err)
	}
	if err := send.Send(ctx, []byte("small"), nil); err != nil {
		t.Fatal(err)
	}
	if g := recv(t, in, "message"); string(g.data) != "small" {
		t.Fatalf("got %d bytes, want the small message only", len(g.data))
	}
	if !b.log.Has("dropped transmission") {
		t.Error("oversized transmission not logged")
	}
}

// A peer that connects before the room has an onPeerJoin is reported to the
// first callback set, once; one that left meanwhile is not reported.
func TestJoinBeforeOnPeerJoin(t *testing.T) {
	testutil.RequireNetns(t)
	a, b, c := newMember(t), newMember(t), newMember(t)
	link(t, a, b)
	_, cp := link(t, a, c)
	_ = cp.Close()
	waitUntil(t, "c gone from a's room", func() bool { _, ok := a.room.Peers()[c.id]; return !ok })
	joined := make(chan string, 4)
	a.room.OnPeerJoin(func(id string) { joined <- id })
	if id := recv(t, joined, "the missed join"); id != b.id {
		t.Fatalf("join reported for %s, want %s", id, b.id)
	}
	a.room.OnPeerJoin(func(id string) { joined <- id })
	select {
	case id := <-joined:
		t.Fatalf("join of %s reported twice", id)
	default:
	}
}
