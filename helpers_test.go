package posthorn

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// waitTimeout bounds every wait in these tests; it only guards against hangs.
const waitTimeout = 5 * time.Minute

// connectPeers connects two real pion peers in-process, passing signals
// directly (non-trickle, like torrent/nostr/mqtt), and waits for both to
// connect. The initiator is returned first.
func connectPeers(t testing.TB) (*peer.Peer, *peer.Peer) {
	t.Helper()
	cfg := func(init bool) peer.Config {
		return peer.Config{Initiator: init, RTCConfig: &peer.Configuration{}, Logger: quietLogger()}
	}
	return connectPeersWith(t, cfg(true), cfg(false))
}

// connectPeersWith is connectPeers with the peers' configurations.
func connectPeersWith(t testing.TB, cfgA, cfgB peer.Config) (*peer.Peer, *peer.Peer) {
	t.Helper()
	testutil.RequireNetns(t)
	a, err := peer.New(cfgA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := peer.New(cfgB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	a.OnSignal(func(s peer.Signal) { _ = b.Signal(s) })
	b.OnSignal(func(s peer.Signal) { _ = a.Signal(s) })
	ca, cb := make(chan struct{}), make(chan struct{})
	a.OnConnect(func() { close(ca) })
	b.OnConnect(func() { close(cb) })
	for _, c := range []chan struct{}{ca, cb} {
		select {
		case <-c:
		case <-time.After(waitTimeout):
			t.Fatal("peers did not connect")
		}
	}
	return a, b
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// member is one Room of a test mesh with its id and log.
type member struct {
	id   string
	room *Room
	log  *testutil.LogRecorder
}

// newMember creates a Room with a recording logger.
func newMember(t testing.TB) *member {
	m := &member{id: ids.New(ids.SelfIDLen), log: &testutil.LogRecorder{}}
	m.room = newRoom(roomlink.Options{SelfID: m.id, Logger: slog.New(m.log)})
	t.Cleanup(func() { _ = m.room.Leave() })
	return m
}

// link connects x and y with a fresh peer pair and hands each side to its
// Room, as a strategy does on connect.
func link(t testing.TB, x, y *member) (xp, yp *peer.Peer) {
	xp, yp = connectPeers(t)
	x.room.addPeer(y.id, xp)
	y.room.addPeer(x.id, yp)
	return xp, yp
}

// mesh returns n Rooms, every pair connected. join, if not nil, is set as
// every Room's onPeerJoin before linking.
func mesh(t testing.TB, n int, join func(self *member, id string)) []*member {
	ms := make([]*member, n)
	for i := range ms {
		ms[i] = newMember(t)
		if join != nil {
			m := ms[i]
			m.room.OnPeerJoin(func(id string) { join(m, id) })
		}
	}
	for i := range ms {
		for j := i + 1; j < n; j++ {
			link(t, ms[i], ms[j])
		}
	}
	return ms
}

// recv waits for a value on ch.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// got is one received message.
type got struct {
	data   []byte
	kind   string
	meta   string
	peerID string
}

// collect registers a receiver on action name of m and returns its channel.
func collect(t testing.TB, m *member, name string) (*Action, <-chan got) {
	t.Helper()
	a, err := m.room.MakeAction(name)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan got, 64)
	a.OnReceive(func(msg transfer.Message, id string) {
		ch <- got{data: msg.Data, kind: msg.Kind.String(), meta: string(msg.Meta), peerID: id}
	})
	return a, ch
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// waitUntil polls cond until it holds; the timeout only guards against hangs.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// connCount is the number of live connections the Room holds for id.
func connCount(r *Room, id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rem := r.peers[id]; rem != nil {
		return len(rem.conns)
	}
	return 0
}

// activeConn is the connection the Room sends to id on.
func activeConn(r *Room, id string) *conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rem := r.peers[id]; rem != nil {
		return rem.active
	}
	return nil
}
