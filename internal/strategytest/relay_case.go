package strategytest

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/posthorn/posthorn"

	"github.com/posthorn/posthorn/transfer"
)

// testJoinIdempotent: joinRoom is idempotent per roomID until the room is
// left (the second config is ignored, like Trystero's), argument errors
// are the sentinel ones, and a room joined again after leaving works.
func testJoinIdempotent(t *testing.T, h Harness, k RelayKind) {
	r := k.Start(t)
	cfg := posthorn.Config{RelayURLs: []string{r.URL}}
	m := Join(t, h, "idem", cfg)
	ctx := Ctx(t)
	again, err := m.Strategy.JoinRoom(ctx, posthorn.Config{AppID: "another-app", Password: "x", RelayURLs: []string{r.URL}}, "idem")
	if err != nil || again != m.Room {
		t.Fatalf("second JoinRoom = %p, %v; want the same room %p", again, err, m.Room)
	}
	for _, tt := range []struct {
		name   string
		cfg    posthorn.Config
		roomID string
		want   error
	}{
		{"no appId", posthorn.Config{RelayURLs: cfg.RelayURLs}, "other", posthorn.ErrNoAppID},
		{"no roomId", posthorn.Config{AppID: h.AppID, RelayURLs: cfg.RelayURLs}, "", posthorn.ErrNoRoomID},
	} {
		if _, err := m.Strategy.JoinRoom(ctx, tt.cfg, tt.roomID); !errors.Is(err, tt.want) {
			t.Fatalf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := m.Room.Leave(); err != nil {
		t.Fatal(err)
	}
	m.Rejoin(t)
	o := Join(t, h, "idem", cfg)
	meet(t, m, o)
	if err := o.Action("chat").Send(ctx, "to the rejoined", nil); err != nil {
		t.Fatal(err)
	}
	expect(t, "chat", o, transfer.KindString, "to the rejoined", m)
}

// testPasswords: equal passwords meet and talk; a member with another
// password meets nobody, and one side of each pair logs a warning about
// the password naming the other (whoever offered, the other cannot
// decrypt it).
func testPasswords(t *testing.T, h Harness, k RelayKind) {
	r := k.Start(t)
	urls := []string{r.URL}
	a := Join(t, h, "secret-room", posthorn.Config{RelayURLs: urls, Password: "hunter2"})
	b := Join(t, h, "secret-room", posthorn.Config{RelayURLs: urls, Password: "hunter2"})
	meet(t, a, b)
	ctx := Ctx(t)
	if err := a.Action("chat").Send(ctx, "sealed", nil); err != nil {
		t.Fatal(err)
	}
	expect(t, "chat", a, transfer.KindString, "sealed", b)

	c := Join(t, h, "secret-room", posthorn.Config{RelayURLs: urls, Password: "swordfish"})
	refused := func(x, y *Member) bool { return x.Log.Has("WARN", "password", "peer="+y.ID) }
	for _, m := range []*Member{a, b} {
		Eventually(t, "a password warning between "+m.ID+" and c", func() bool {
			return refused(m, c) || refused(c, m)
		})
	}
	for _, m := range []*Member{a, b} {
		if m.Connected(c.ID) {
			t.Fatalf("%s connected to c despite the wrong password", m.ID)
		}
	}
	if joins, _ := c.Events(); len(joins) != 0 || len(c.Room.Peers()) != 0 {
		t.Fatalf("c (wrong password) met %v", joins)
	}
}

// waitSocket waits until m's socket to url is (or, with open false, is not)
// open.
func waitSocket(t *testing.T, m *Member, url string, open bool) {
	t.Helper()
	Eventually(t, m.ID+" relay socket open="+map[bool]string{true: "true", false: "false"}[open], func() bool {
		return (m.Strategy.RelaySockets()[url] == posthorn.RelayOpen) == open
	})
}

// testRelayRestart: the relay dies mid-session; a newcomer joins while it
// is down; the relay comes back on the same URL; everyone's connection
// comes back, re-announces, and they all meet the newcomer. The peers that
// had met stay connected throughout (their link does not need the relay).
func testRelayRestart(t *testing.T, h Harness, k RelayKind) {
	r := k.Start(t)
	if r.Stop == nil || r.Start == nil {
		t.Skipf("%s cannot be restarted by the test", k.Name)
	}
	urls := []string{r.URL}
	a := Join(t, h, "restart", posthorn.Config{RelayURLs: urls})
	b := Join(t, h, "restart", posthorn.Config{RelayURLs: urls})
	meet(t, a, b)
	waitSocket(t, a, r.URL, true)

	r.Stop()
	waitSocket(t, a, r.URL, false)
	waitSocket(t, b, r.URL, false)
	// c joins while the relay is down: its JoinRoom returns once the
	// relay is back and has c's announcement.
	joined := StartJoin(t, h, "restart", posthorn.Config{RelayURLs: urls})
	r.Start()
	c := joined()
	meet(t, a, b, c)
	for _, x := range [][2]*Member{{a, b}, {b, a}} {
		if _, leaves := x[0].Events(); slices.Contains(leaves, x[1].ID) {
			t.Fatalf("%s lost %s across the relay restart", x[0].ID, x[1].ID)
		}
	}
	ctx := Ctx(t)
	if err := c.Action("chat").Send(ctx, "new here", nil); err != nil {
		t.Fatal(err)
	}
	expect(t, "chat", c, transfer.KindString, "new here", a, b)
}

// testDeadRelay: the first of three relays is down at join; peers meet
// through the two others, and RelaySockets reports all three by URL, the
// dead one not open.
func testDeadRelay(t *testing.T, h Harness, k RelayKind) {
	dead := h.DeadURL(t)
	r1, r2 := k.Start(t), k.Start(t)
	urls := []string{dead, r1.URL, r2.URL}
	a := Join(t, h, "dead", posthorn.Config{RelayURLs: urls})
	b := Join(t, h, "dead", posthorn.Config{RelayURLs: urls})
	meet(t, a, b)
	for _, m := range []*Member{a, b} {
		waitSocket(t, m, r1.URL, true)
		waitSocket(t, m, r2.URL, true)
		states := m.Strategy.RelaySockets()
		if got, want := slices.Sorted(maps.Keys(states)), slices.Sorted(slices.Values(urls)); !slices.Equal(got, want) {
			t.Fatalf("%s: RelaySockets for %v, want %v", m.ID, got, want)
		}
		if states[dead] == posthorn.RelayOpen {
			t.Fatalf("%s: the dead relay's socket is open: %v", m.ID, states)
		}
	}
	ctx := Ctx(t)
	if err := a.Action("chat").Send(ctx, "despite the dead relay", nil); err != nil {
		t.Fatal(err)
	}
	expect(t, "chat", a, transfer.KindString, "despite the dead relay", b)
}
