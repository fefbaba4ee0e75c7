//go:build !js

package posthorn_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/signal/mqtt"
)

// sharedWait bounds every wait of TestShared025; it only guards against
// hangs.
const sharedWait = 5 * time.Minute

// sharedRoom is one 0.25 room of a TestShared025 peer, with what it saw.
type sharedRoom struct {
	room          *posthorn.Room
	chat          *posthorn.Action
	joins, leaves chan string
	msgs          chan string // "from: text"
}

// sharedPeer is one TestShared025 peer: a strategy instance of its own.
type sharedPeer struct {
	name string
	s    *mqtt.Strategy
	id   string
	cfg  posthorn.Config
}

func (p *sharedPeer) join(t *testing.T, roomID string) *sharedRoom {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), sharedWait)
	defer cancel()
	r, err := p.s.JoinRoom(ctx, p.cfg, roomID)
	if err != nil {
		t.Fatalf("%s joins %s: %v", p.name, roomID, err)
	}
	sr := &sharedRoom{room: r, joins: make(chan string, 16), leaves: make(chan string, 16), msgs: make(chan string, 64)}
	if sr.chat, err = r.MakeAction("chat"); err != nil {
		t.Fatal(err)
	}
	sr.chat.OnReceive(func(m posthorn.Message, from string) { sr.msgs <- from + ": " + string(m.Data) })
	r.OnPeerJoin(func(id string) { sr.joins <- id })
	r.OnPeerLeave(func(id string) { sr.leaves <- id })
	return sr
}

// await receives from ch, failing t after sharedWait.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(sharedWait):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// awaitPeers waits until r's onPeerJoin reported every id.
func awaitPeers(t *testing.T, r *sharedRoom, what string, ids ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for len(want) > 0 {
		id := await(t, r.joins, what)
		if !want[id] {
			t.Fatalf("%s: unexpected join of %s", what, id)
		}
		delete(want, id)
	}
}

// eventually polls cond until it holds; the bound only guards against hangs.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(sharedWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestShared025: three native peers in two 0.25 rooms of one app, A and B in
// both, C in room 2 only, over MQTT. Each pair shares exactly one
// connection, whatever room found the peer first; each room's messages
// arrive in that room only; leaving one room keeps the other working; a
// connection no room uses stays open for the idle period, is reused by a
// room joined meanwhile, and is closed after it (protocol-0.25 §7).
func TestShared025(t *testing.T) {
	testutil.RequireNetns(t)
	eventually(t, "the connections of earlier tests to close", func() bool { return peer.Live() == 0 })

	broker := mqttbroker.New(mqttbroker.Config{Logger: slog.New(slog.DiscardHandler)})
	hs := httptest.NewServer(broker)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		_ = broker.Close()
	})
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/mqtt"
	logs := strategytest.NewLog() // keeps the attributes: which peer each offer went to
	newPeer := func(name string) *sharedPeer {
		s := mqtt.New(&posthorn.Options{Logger: slog.New(logs)})
		t.Cleanup(s.Close)
		return &sharedPeer{name: name, s: s, id: s.SelfID(),
			cfg: posthorn.Config{AppID: "shared-app", Protocol: posthorn.Protocol025, RelayURLs: []string{url}}}
	}
	a, b, c := newPeer("A"), newPeer("B"), newPeer("C")
	ctx, cancel := context.WithTimeout(context.Background(), sharedWait)
	defer cancel()

	// A is in both rooms; B joins room 1, meets A there, then joins room 2,
	// which binds to the connection room 1 made.
	a1, a2 := a.join(t, "room-1"), a.join(t, "room-2")
	b1 := b.join(t, "room-1")
	awaitPeers(t, a1, "A meets B in room 1", b.id)
	awaitPeers(t, b1, "B meets A in room 1", a.id)
	b2 := b.join(t, "room-2")
	awaitPeers(t, a2, "A meets B in room 2", b.id)
	awaitPeers(t, b2, "B meets A in room 2", a.id)
	if n := peer.Live(); n != 2 {
		t.Fatalf("%d peer connections for A and B in two rooms, want 2 (one each side)", n)
	}
	// C in room 2 only.
	c2 := c.join(t, "room-2")
	awaitPeers(t, a2, "A meets C in room 2", c.id)
	awaitPeers(t, b2, "B meets C in room 2", c.id)
	awaitPeers(t, c2, "C meets A and B", a.id, b.id)
	if n := peer.Live(); n != 6 {
		t.Errorf("%d peer connections for three pairs, want 6 (one each side of each pair)", n)
	}
	for _, p := range []*sharedPeer{a, b, c} {
		for remote, n := range posthorn.SharedConns(p.id) {
			if n != 1 {
				t.Errorf("%s has %d shared connections to %s", p.name, n, remote)
			}
		}
	}
	// One offer per pair, and no connection made only to be closed: the
	// rooms found the shared one before offering or answering.
	if n := logs.Count("offering to announced peer"); n != 3 {
		t.Errorf("%d offers for three pairs, want 3:\n%s", n, offerLines(logs, a, b, c))
	}
	if n := logs.Count("closing a second connection"); n != 0 {
		t.Errorf("%d second connections to a peer were made", n)
	}
	if a1.room.Peers()[b.id] != a2.room.Peers()[b.id] || b1.room.Peers()[a.id] != b2.room.Peers()[a.id] {
		t.Error("rooms 1 and 2 use different connections between A and B")
	}

	// Each room's messages arrive in that room only.
	if err := a1.chat.Send(ctx, "one", nil); err != nil {
		t.Fatal(err)
	}
	if err := a2.chat.Send(ctx, "two", nil); err != nil {
		t.Fatal(err)
	}
	if got := await(t, b1.msgs, "B's message in room 1"); got != a.id+": one" {
		t.Errorf("B got %q in room 1, want %q", got, a.id+": one")
	}
	for _, r := range []*sharedRoom{b2, c2} {
		if got := await(t, r.msgs, "a message in room 2"); got != a.id+": two" {
			t.Errorf("got %q in room 2, want %q", got, a.id+": two")
		}
	}

	// B leaves room 1: A's room 1 loses B, room 2 keeps working over the
	// same connection.
	if err := b1.room.Leave(); err != nil {
		t.Fatal(err)
	}
	if id := await(t, a1.leaves, "B to leave A's room 1"); id != b.id {
		t.Errorf("%s left room 1, want B", id)
	}
	if _, err := a2.room.Ping(ctx, b.id); err != nil {
		t.Errorf("ping in room 2 after B left room 1: %v", err)
	}
	if err := b2.chat.Send(ctx, "still", nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*sharedRoom{a2, c2} {
		if got := await(t, r.msgs, "B's message in room 2"); got != b.id+": still" {
			t.Errorf("got %q in room 2, want %q", got, b.id+": still")
		}
	}
	select {
	case m := <-b1.msgs:
		t.Errorf("room 1 got %q after its room was left", m)
	case m := <-a1.msgs:
		t.Errorf("A's room 1 got %q from room 2", m)
	default:
	}
	if n := peer.Live(); n != 6 {
		t.Errorf("%d peer connections after B left one room, want 6", n)
	}

	// B leaves room 2 too: the connection stays open, idle, and a room
	// joined meanwhile binds to it again without a new connection.
	restore := posthorn.SetSharedIdle(time.Hour)
	if err := b2.room.Leave(); err != nil {
		t.Fatal(err)
	}
	if id := await(t, a2.leaves, "B to leave A's room 2"); id != b.id {
		t.Errorf("%s left room 2, want B", id)
	}
	if n := posthorn.SharedConns(a.id)[b.id]; n != 1 {
		t.Errorf("A has %d connections to B right after B left both rooms, want 1 (idle)", n)
	}
	b2 = b.join(t, "room-2")
	awaitPeers(t, b2, "B meets A and C in room 2 again", a.id, c.id)
	awaitPeers(t, a2, "A meets B in room 2 again", b.id)
	if n := peer.Live(); n != 6 {
		t.Errorf("%d peer connections after B rejoined room 2, want 6: the idle one was not reused", n)
	}
	if n := logs.Count("offering to announced peer"); n != 3 {
		t.Errorf("%d offers after B rejoined, want still 3:\n%s", n, offerLines(logs, a, b, c))
	}

	// With the idle period short, leaving closes B's connections once no
	// room uses them; A–C stays.
	restore()
	if err := b2.room.Leave(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "B's idle connections to close", func() bool {
		return len(posthorn.SharedConns(b.id)) == 0 && posthorn.SharedConns(a.id)[b.id] == 0 && posthorn.SharedConns(c.id)[b.id] == 0
	})
	eventually(t, "B's peer connections to close", func() bool { return peer.Live() == 2 })
	if got := await(t, c2.leaves, "B to leave C's room 2"); got != b.id {
		t.Errorf("%s left C's room, want B", got)
	}
	if err := a2.chat.Send(ctx, "after", nil); err != nil {
		t.Fatal(err)
	}
	if got := await(t, c2.msgs, "C's message after B left"); got != a.id+": after" {
		t.Errorf("C got %q", got)
	}
}

// offerLines is the log lines about offers and connection attempts, the
// peers' ids named A, B and C: what TestShared025 shows when it counts an
// offer too many.
func offerLines(logs *strategytest.Log, peers ...*sharedPeer) string {
	var out []string
	for _, line := range logs.Lines() {
		if !strings.Contains(line, "offer") && !strings.Contains(line, "attempt") && !strings.Contains(line, "connection") {
			continue
		}
		for _, p := range peers {
			line = strings.ReplaceAll(line, p.id, p.name)
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
