package posthorn

import (
	"testing"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/profile"
	"github.com/posthorn/posthorn/transfer"
)

// dupLinks are two connections to the same peer id whose remote ends are
// bare peers driven by the test (protocol-0.18 §4.5).
type dupLinks struct {
	t      *testing.T
	ends   [3]*peer.Peer // ends[1], ends[2]: the remote ends
	chunks [3]<-chan []byte
	nonces chunk.NonceCounter
}

func newDupLinks(t *testing.T, m *member) *dupLinks {
	d := &dupLinks{t: t}
	for i := 1; i <= 2; i++ {
		d.ends[i], d.chunks[i] = bareLink(t, m, "dup")
	}
	return d
}

// send sends the string s on action from remote end i.
func (d *dupLinks) send(i int, action, s string) {
	d.t.Helper()
	tx, err := d.nonces.Encode(chunk.Framing018, action, transfer.KindString, []byte(s), nil)
	if err != nil {
		d.t.Fatal(err)
	}
	if err := d.ends[i].Send(testCtx(d.t), tx.AppendChunk(nil, 0)); err != nil {
		d.t.Fatal(err)
	}
}

// next reads the next chunk remote end i got.
func (d *dupLinks) next(i int) chunk.Chunk {
	d.t.Helper()
	c, err := chunk.Framing018.Parse(recv(d.t, d.chunks[i], "chunk"))
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// expectProbe checks that remote end i got the Room's duplicate probe: a
// ping (§6).
func (d *dupLinks) expectProbe(i int) {
	d.t.Helper()
	if c := d.next(i); c.Type != profile.V018.Ping {
		d.t.Fatalf("connection %d got %q first, want the probe (a ping)", i, c.Type)
	}
}

// expect checks that remote end i, and not the other, got want.
func (d *dupLinks) expect(i int, want string) {
	d.t.Helper()
	if c := d.next(i); string(c.Payload) != want {
		d.t.Fatalf("connection %d got %s %q, want %q", i, c.Type, c.Payload, want)
	}
	select {
	case b := <-d.chunks[3-i]:
		d.t.Fatalf("the other connection got %q too", b)
	default:
	}
}

// TestDuplicateConnections checks the §4.5 rules with a remote that uses
// both connections (as a posthorn peer may): one onPeerJoin, a probe on
// each connection, data from either accepted, sends follow the connection
// data last arrived on, and the peer leaves only when both are gone.
func TestDuplicateConnections(t *testing.T) {
	m := newMember(t)
	joins, leaves := make(chan string, 4), make(chan string, 4)
	m.room.OnPeerJoin(func(id string) { joins <- id })
	m.room.OnPeerLeave(func(id string) { leaves <- id })
	d := newDupLinks(t, m)
	if id := recv(t, joins, "onPeerJoin"); id != "dup" {
		t.Fatalf("joined %s", id)
	}
	d.expectProbe(1)
	d.expectProbe(2)
	chat, in := collect(t, m, "chat")
	ctx := testCtx(t)
	send := func(s string) {
		t.Helper()
		if err := chat.Send(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}

	send("one")
	d.expect(1, "one") // the first connection is the default

	d.send(2, "chat", "via two")
	if g := recv(t, in, "message"); string(g.data) != "via two" || g.peerID != "dup" {
		t.Fatalf("got %q from %s", g.data, g.peerID)
	}
	send("two")
	d.expect(2, "two") // data last arrived on the second

	d.send(1, "chat", "via one")
	recv(t, in, "message")
	send("three")
	d.expect(1, "three")

	// Closing one connection is not a leave while the other has carried
	// the peer's data; sends fall back to it.
	d.send(2, "chat", "via two again")
	recv(t, in, "message")
	if err := d.ends[2].Close(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "second connection dropped", func() bool {
		return connCount(m.room, "dup") == 1
	})
	if !m.room.hasPeer("dup") {
		t.Fatal("peer left with one connection still open")
	}
	send("four")
	d.expect(1, "four")
	select {
	case id := <-leaves:
		t.Fatalf("onPeerLeave(%s) with a connection left", id)
	default:
	}
	if err := d.ends[1].Close(); err != nil {
		t.Fatal(err)
	}
	if id := recv(t, leaves, "onPeerLeave"); id != "dup" {
		t.Fatalf("left %s", id)
	}
	if m.room.hasPeer("dup") {
		t.Fatal("HasPeer after the last connection closed")
	}
}

// TestDuplicateProbeFindsJSConnection: the remote behaves like Trystero
// 0.18 with the second connection registered. It answers the probe there
// only and never uses the first. Sends must go to the second before the
// remote sends anything else, a user's Ping must not be answered by the
// probe's pong, and when the second closes (JS left) the peer leaves and
// the unused first connection is closed.
func TestDuplicateProbeFindsJSConnection(t *testing.T) {
	m := newMember(t)
	leaves := make(chan string, 4)
	m.room.OnPeerLeave(func(id string) { leaves <- id })
	d := newDupLinks(t, m)
	d.expectProbe(1)
	d.expectProbe(2)
	chat, _ := collect(t, m, "chat")
	ctx := testCtx(t)

	pings := make(chan error, 1)
	go func() { _, err := m.room.Ping(ctx, "dup"); pings <- err }()
	d.expectProbe(1) // the user's ping, on the default connection; JS ignores it there
	d.send(2, profile.V018.Pong, "")
	waitUntil(t, "sends moving to the second connection", func() bool {
		m.room.mu.Lock()
		defer m.room.mu.Unlock()
		rem := m.room.peers["dup"]
		return rem != nil && len(rem.conns) == 2 && rem.active == rem.conns[1]
	})
	select {
	case err := <-pings:
		t.Fatalf("Ping returned (%v) on the probe's pong", err)
	default:
	}
	if err := chat.Send(ctx, "to the registered one", nil); err != nil {
		t.Fatal(err)
	}
	d.expect(2, "to the registered one")

	if err := d.ends[2].Close(); err != nil {
		t.Fatal(err)
	}
	if id := recv(t, leaves, "onPeerLeave"); id != "dup" {
		t.Fatalf("left %s", id)
	}
	select {
	case <-d.ends[1].Done():
	case <-ctx.Done():
		t.Fatal("the unused duplicate was not closed when the peer left")
	}
	if err := recv(t, pings, "Ping's result"); err != ErrPeerLeft {
		t.Fatalf("Ping: %v, want ErrPeerLeft", err)
	}
}
