package room

import (
	"testing"

	"github.com/posthorn/posthorn/transfer"
)

// TestDuplicateConnections checks the §4.5 rules with two connections to the
// same peer id, the remote ends being bare peers: one onPeerJoin, data from
// either accepted, sends follow the connection data last arrived on, and the
// peer leaves only when both are gone.
func TestDuplicateConnections(t *testing.T) {
	m := newMember(t)
	joins, leaves := make(chan string, 4), make(chan string, 4)
	m.room.OnPeerJoin(func(id string) { joins <- id })
	m.room.OnPeerLeave(func(id string) { leaves <- id })
	y1, ch1 := bareLink(t, m, "dup")
	y2, ch2 := bareLink(t, m, "dup")
	if id := recv(t, joins, "onPeerJoin"); id != "dup" {
		t.Fatalf("joined %s", id)
	}
	chat, in := collect(t, m, "chat")
	ctx := testCtx(t)
	f := transfer.Framing018
	var remoteNonces transfer.NonceCounter
	bareSend := func(which int, s string) {
		t.Helper()
		tx, err := remoteNonces.Encode(f, "chat", transfer.KindString, []byte(s), nil)
		if err != nil {
			t.Fatal(err)
		}
		y := y1
		if which == 2 {
			y = y2
		}
		if err := y.Send(ctx, tx.AppendChunk(nil, 0)); err != nil {
			t.Fatal(err)
		}
	}
	// expect reads one chunk from the bare end `which` and checks its text.
	expect := func(which int, want string) {
		t.Helper()
		ch, other := ch1, ch2
		if which == 2 {
			ch, other = ch2, ch1
		}
		c, err := f.Parse(recv(t, ch, "chunk"))
		if err != nil || string(c.Payload) != want {
			t.Fatalf("connection %d got %q (%v), want %q", which, c.Payload, err, want)
		}
		select {
		case b := <-other:
			t.Fatalf("the other connection got %q too", b)
		default:
		}
	}

	if err := chat.Send(ctx, "one", nil); err != nil {
		t.Fatal(err)
	}
	expect(1, "one") // the first connection is the default

	bareSend(2, "via two")
	if g := recv(t, in, "message"); string(g.data) != "via two" || g.peerID != "dup" {
		t.Fatalf("got %q from %s", g.data, g.peerID)
	}
	if err := chat.Send(ctx, "two", nil); err != nil {
		t.Fatal(err)
	}
	expect(2, "two") // data last arrived on the second

	bareSend(1, "via one")
	recv(t, in, "message")
	if err := chat.Send(ctx, "three", nil); err != nil {
		t.Fatal(err)
	}
	expect(1, "three")

	// Closing one connection is not a leave; sends fall back to the other.
	bareSend(2, "via two again")
	recv(t, in, "message")
	if err := y2.Close(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "second connection dropped", func() bool {
		return connCount(m.room, "dup") == 1
	})
	if !m.room.HasPeer("dup") {
		t.Fatal("peer left with one connection still open")
	}
	if err := chat.Send(ctx, "four", nil); err != nil {
		t.Fatal(err)
	}
	expect(1, "four")
	select {
	case id := <-leaves:
		t.Fatalf("onPeerLeave(%s) with a connection left", id)
	default:
	}
	if err := y1.Close(); err != nil {
		t.Fatal(err)
	}
	if id := recv(t, leaves, "onPeerLeave"); id != "dup" {
		t.Fatalf("left %s", id)
	}
	if m.room.HasPeer("dup") {
		t.Fatal("HasPeer after the last connection closed")
	}
}
