package nostr

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/room"
	"github.com/posthorn/posthorn/signal"
	"github.com/posthorn/posthorn/signal/socket"
	"github.com/posthorn/posthorn/transfer"
)

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed ^ byte(i>>16)
	}
	return b
}

// roomScenario runs the shared checks on three joined members: everyone
// sees everyone; string, JSON and binary with metadata and progress both
// ways; targeted sends; ping; leave.
func roomScenario(t *testing.T, a, b, c *member) {
	a.waitPeers(b, c)
	b.waitPeers(a, c)
	c.waitPeers(a, b)
	ctx := ctxT(t)

	if err := a.acts["chat"].Send(ctx, "hello from a", nil); err != nil {
		t.Fatal(err)
	}
	if err := b.acts["json"].Send(ctx, map[string]any{"n": 1, "s": "é<&>"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*member{b, c} {
		r := m.recv("chat")
		if r.from != a.id || r.m.Kind != transfer.KindString || string(r.m.Data) != "hello from a" {
			t.Fatalf("%s got chat %+v from %s", m.id, r.m, r.from)
		}
	}
	for _, m := range []*member{a, c} {
		r := m.recv("json")
		if r.from != b.id || r.m.Kind != transfer.KindJSON || string(r.m.Data) != `{"n":1,"s":"é<&>"}` {
			t.Fatalf("%s got json %s (%v) from %s", m.id, r.m.Data, r.m.Kind, r.from)
		}
	}

	const size = 1 << 20
	fileA, fileB := pattern(size, 1), pattern(size, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, x := range []struct {
		from, to *member
		data     []byte
	}{{a, b, fileA}, {b, a, fileB}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- x.from.acts["file"].Send(ctx, x.data, &room.SendOptions{
				Targets: []string{x.to.id},
				Meta:    map[string]any{"name": "file-from-" + x.from.id},
			})
		}()
	}
	for _, x := range []struct {
		at, from *member
		data     []byte
	}{{b, a, fileA}, {a, b, fileB}} {
		r := x.at.recv("file")
		if r.from != x.from.id || r.m.Kind != transfer.KindBinary || !bytes.Equal(r.m.Data, x.data) {
			t.Fatalf("%s: binary from %s differs (len %d, kind %v)", x.at.id, r.from, len(r.m.Data), r.m.Kind)
		}
		var meta struct{ Name string }
		if err := json.Unmarshal(r.m.Meta, &meta); err != nil || meta.Name != "file-from-"+x.from.id {
			t.Fatalf("meta %s: %v", r.m.Meta, err)
		}
		p := x.at.progress("file", x.from.id)
		if len(p) < size/16369 || p[len(p)-1] != 1 {
			t.Fatalf("receiver progress: %d calls", len(p))
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	// targeted send: only b gets it; c's ordered channel from a would carry
	// it before the marker.
	if err := a.acts["chat"].Send(ctx, "for b only", &room.SendOptions{Targets: []string{b.id}}); err != nil {
		t.Fatal(err)
	}
	if err := a.acts["marker"].Send(ctx, "marker", nil); err != nil {
		t.Fatal(err)
	}
	if r := b.recv("chat"); string(r.m.Data) != "for b only" {
		t.Fatalf("b got %q", r.m.Data)
	}
	c.recv("marker")
	select {
	case r := <-c.got["chat"]:
		t.Fatalf("c got a message targeted at b: %q", r.m.Data)
	default:
	}

	for _, x := range [][2]*member{{a, b}, {b, c}, {c, a}} {
		if _, err := x[0].r.Ping(ctx, x[1].id); err != nil {
			t.Fatalf("ping %s→%s: %v", x[0].id, x[1].id, err)
		}
	}

	if err := c.r.Leave(); err != nil {
		t.Fatal(err)
	}
	a.waitGone(c)
	b.waitGone(c)
	if !a.r.HasPeer(b.id) || !b.r.HasPeer(a.id) {
		t.Fatal("a and b lost each other when c left")
	}
}

func TestRoomThroughGoRelay(t *testing.T) {
	testutil.RequireNetns(t)
	rl := startRelay(t)
	urls := []string{rl.url()}
	a := joinMember(t, urls, "room-1", "")
	b := joinMember(t, urls, "room-1", "")
	c := joinMember(t, urls, "room-1", "")
	roomScenario(t, a, b, c)
}

func TestPasswords(t *testing.T) {
	testutil.RequireNetns(t)
	rl := startRelay(t)
	urls := []string{rl.url()}
	t.Run("match", func(t *testing.T) {
		a := joinMember(t, urls, "pw-room", "hunter2")
		b := joinMember(t, urls, "pw-room", "hunter2")
		a.waitPeers(b)
		b.waitPeers(a)
	})
	t.Run("mismatch", func(t *testing.T) {
		a := joinMember(t, urls, "pw-room-2", "hunter2")
		b := joinMember(t, urls, "pw-room-2", "letmein")
		// whoever offers, the other side cannot decrypt it
		a.waitUntil("b's offer or answer was refused", func(map[string]bool) bool {
			return a.log.has("does not decrypt") || b.log.has("does not decrypt")
		})
		if len(a.r.Peers()) != 0 || len(b.r.Peers()) != 0 {
			t.Fatal("peers with different passwords connected")
		}
	})
}

func TestRelayRestart(t *testing.T) {
	testutil.RequireNetns(t)
	rl := startRelay(t)
	urls := []string{rl.url()}
	a := joinMember(t, urls, "restart", "")
	b := joinMember(t, urls, "restart", "")
	a.waitPeers(b)
	rl.stop()
	rl.start() // same port
	// a and b reconnect, resubscribe and re-announce; a newcomer meets both.
	c := joinMember(t, urls, "restart", "")
	c.waitPeers(a, b)
	a.waitPeers(b, c)
	b.waitPeers(a, c)
}

func TestOneDeadRelayAmongThree(t *testing.T) {
	testutil.RequireNetns(t)
	r1, r2 := startRelay(t), startRelay(t)
	urls := []string{deadURL(t), r1.url(), r2.url()}
	a := joinMember(t, urls, "dead", "")
	b := joinMember(t, urls, "dead", "")
	a.waitPeers(b)
	b.waitPeers(a)
	states := a.s.RelaySockets()
	if len(states) != 3 || states[urls[0]] == socket.Open || states[urls[1]] != socket.Open {
		t.Fatalf("relay sockets %v", states)
	}
}

func TestJoinRoomIsIdempotent(t *testing.T) {
	testutil.RequireNetns(t)
	rl := startRelay(t)
	m := joinMember(t, []string{rl.url()}, "idem", "")
	r, err := m.s.JoinRoom(context.Background(), signal.Config{AppID: "other-app", RelayURLs: []string{rl.url()}}, "idem")
	if err != nil || r != m.r {
		t.Fatalf("second JoinRoom = %p, %v; want the same room %p", r, err, m.r)
	}
	if err := m.r.Leave(); err != nil {
		t.Fatal(err)
	}
	r2, err := m.s.JoinRoom(context.Background(), signal.Config{AppID: "posthorn-test", RelayURLs: []string{rl.url()}}, "idem")
	if err != nil || r2 == m.r {
		t.Fatalf("JoinRoom after leave = %p, %v; want a new room", r2, err)
	}
	_ = r2.Leave()
	if _, err := m.s.JoinRoom(context.Background(), signal.Config{}, "x"); err == nil {
		t.Fatal("JoinRoom without appId succeeded")
	}
}
