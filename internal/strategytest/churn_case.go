package strategytest

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// Churn numbers: how often a member leaves and rejoins, and how many rooms
// one instance joins at once.
const (
	churnRejoins = 50
	churnRooms   = 20
)

// churnSlack is how much the process may grow over a churn run (after its
// warm-up): no peer connection, a few goroutines and descriptors that come
// and go with relay sockets and timers, and some heap (caches and maps at
// their working size; the torrent rejoin run grows by under 1 MiB). A leak
// per cycle shows: one goroutine, descriptor or peer connection each time,
// or 80 KiB (a closed peer connection that stays reachable is about 40).
var churnSlack = Usage{Goroutines: 15, FDs: 8, HeapLive: 4 << 20}

// RunChurn checks, through h.Relay, that joining and leaving rooms leaks
// nothing: a member leaves and rejoins a room 50 times, meeting a member
// that stays and exchanging a message each time; one instance joins 20
// rooms at once, meets another instance in each, leaves them all, three
// times. Goroutines, file descriptors, open peer connections and live heap
// (Usage) come back to what they were after the warm-up, within
// churnSlack. It skips outside scripts/in-netns.
func RunChurn(t *testing.T, h Harness) {
	testutil.RequireNetns(t)
	h = h.withDefaults()
	t.Run("rejoin", func(t *testing.T) { testRejoinChurn(t, h) })
	t.Run("rooms", func(t *testing.T) { testManyRooms(t, h) })
}

// settled waits until the process's usage is back within churnSlack of
// base (goroutines and sockets of closed peers end asynchronously), and
// fails with what grew if it never is.
func settled(t *testing.T, base Usage) {
	t.Helper()
	ctx := Ctx(t)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		now := TakeUsage()
		err := now.Within(base, churnSlack)
		if err == nil {
			t.Logf("baseline %v; now %v", base, now)
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("after the churn: %v", err)
		}
	}
}

// bareRoom is a room joined without a Member's recorders, so that the test
// keeps nothing of it once it is left: the "chat" messages it receives.
type bareRoom struct {
	r    *posthorn.Room
	chat *posthorn.Action
	got  chan Received
}

func bareJoin(t *testing.T, h Harness, s posthorn.Strategy, roomID string, cfg posthorn.Config) *bareRoom {
	t.Helper()
	r, err := s.JoinRoom(Ctx(t), h.memberConfig(cfg), roomID)
	if err != nil {
		t.Fatalf("JoinRoom(%q): %v", roomID, err)
	}
	b := &bareRoom{r: r, got: make(chan Received, 4)}
	if b.chat, err = r.MakeAction("chat"); err != nil {
		t.Fatal(err)
	}
	b.chat.OnReceive(func(m transfer.Message, from string) { b.got <- Received{m, from} })
	return b
}

// waitPeer waits until b's room is (present) or is not connected to id.
// It polls the room's state rather than counting callbacks: a pair's
// connection may be replaced meanwhile (a duplicate closed, §4.5).
func (b *bareRoom) waitPeer(t *testing.T, id string, present bool) {
	t.Helper()
	Eventually(t, fmt.Sprintf("connected to %s: %v", id, present), func() bool {
		_, ok := b.r.Peers()[id]
		return ok == present
	})
}

// exchange sends one message each way between x and y, each naming the
// other's id, and checks they arrive.
func exchange(t *testing.T, x *bareRoom, xID string, y *bareRoom, yID string) {
	t.Helper()
	for _, d := range []struct {
		from, to     *bareRoom
		fromID, toID string
	}{{x, y, xID, yID}, {y, x, yID, xID}} {
		msg := "to " + d.toID
		if err := d.from.chat.Send(Ctx(t), msg, &posthorn.SendOptions{Targets: []string{d.toID}}); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-d.to.got:
			if string(r.Msg.Data) != msg || r.From != d.fromID {
				t.Fatalf("got %q from %s, want %q from %s", r.Msg.Data, r.From, msg, d.fromID)
			}
		case <-Ctx(t).Done():
			t.Fatalf("%q never arrived", msg)
		}
	}
}

// newInstance returns a strategy instance of h with a fresh id.
func newInstance(t *testing.T, h Harness) posthorn.Strategy {
	return h.New(t, ids.New(ids.SelfIDLen), slog.New(slog.DiscardHandler))
}

// testRejoinChurn: y leaves the room and rejoins it 50 times; x stays. Each
// time they meet again and exchange a message.
func testRejoinChurn(t *testing.T, h Harness) {
	r := h.Relay.Start(t)
	cfg := posthorn.Config{RelayURLs: []string{r.URL}}
	xs, ys := newInstance(t, h), newInstance(t, h)
	x := bareJoin(t, h, xs, "churn", cfg)
	t.Cleanup(func() { _ = x.r.Leave() })
	cycle := func() {
		y := bareJoin(t, h, ys, "churn", cfg)
		x.waitPeer(t, ys.SelfID(), true)
		y.waitPeer(t, xs.SelfID(), true)
		exchange(t, x, xs.SelfID(), y, ys.SelfID())
		if err := y.r.Leave(); err != nil {
			t.Fatal(err)
		}
		// Rejoining before x saw y go can make y's new connection look
		// like a duplicate of the closing one to x, which may then close
		// it with the old one (§4.5 b): wait, as a person reloading a
		// page does.
		x.waitPeer(t, ys.SelfID(), false)
	}
	// The warm-up fills what only grows to a working size (pools, maps).
	const warmUp = 10
	for range warmUp {
		cycle()
	}
	base := TakeUsage()
	for range churnRejoins {
		cycle()
	}
	settled(t, base)
}

// testManyRooms: two instances join the same 20 rooms, meet and exchange a
// message in each, and leave them all; three times.
func testManyRooms(t *testing.T, h Harness) {
	r := h.Relay.Start(t)
	// Trystero's announce period, not the harness's short one: 20 rooms
	// announcing every 2 s on one socket would exceed a relay's rate limit
	// (the Go Nostr relay's 20 messages/s per connection) and lose messages.
	cfg := posthorn.Config{RelayURLs: []string{r.URL}, AnnounceInterval: 33 * time.Second}
	xs, ys := newInstance(t, h), newInstance(t, h)
	round := func() {
		x, y := make([]*bareRoom, churnRooms), make([]*bareRoom, churnRooms)
		for i := range churnRooms {
			room := fmt.Sprintf("many-%d", i)
			x[i] = bareJoin(t, h, xs, room, cfg)
			y[i] = bareJoin(t, h, ys, room, cfg)
		}
		for i := range churnRooms {
			x[i].waitPeer(t, ys.SelfID(), true)
			y[i].waitPeer(t, xs.SelfID(), true)
			exchange(t, x[i], xs.SelfID(), y[i], ys.SelfID())
		}
		for i := range churnRooms {
			if err := x[i].r.Leave(); err != nil {
				t.Fatal(err)
			}
			if err := y[i].r.Leave(); err != nil {
				t.Fatal(err)
			}
		}
	}
	round()
	base := TakeUsage()
	round()
	round()
	settled(t, base)
}
