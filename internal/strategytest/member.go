package strategytest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/testutil"

	"github.com/posthorn/posthorn/transfer"
)

// Actions are the actions every member registers right after joining,
// before any peer can connect: "chat" (strings), "json", "file" (binary
// with metadata) and "marker" (proves that earlier messages on an ordered
// channel did not arrive).
var Actions = []string{"chat", "json", "file", "marker"}

// Member is one native peer in a room: its own strategy instance (so its
// own id), its room, its log, and a record of what the room reported.
type Member struct {
	ID       string
	Strategy posthorn.Strategy
	Room     *posthorn.Room
	Log      *Log

	h       Harness
	cfg     posthorn.Config
	roomID  string
	actions map[string]*posthorn.Action
	got     map[string]chan Received

	mu      sync.Mutex
	peers   map[string]bool // present now, from onPeerJoin/onPeerLeave
	joins   []string        // every onPeerJoin id, in order
	leaves  []string        // every onPeerLeave id, in order
	prog    map[string][]Progress
	changed chan struct{} // closed and replaced on every change
}

// Received is one message an action's OnReceive got.
type Received struct {
	Msg  transfer.Message
	From string
}

// Progress is one receiver-side OnProgress call.
type Progress struct {
	Pct  float64
	Meta json.RawMessage
}

// Join makes a member with a fresh id (h.New) and joins roomID with cfg.
// An empty cfg.AppID means h.AppID; a nil cfg.RTCConfig means no ICE
// servers (loopback only). The room is left when the test ends. It skips
// t outside scripts/in-netns.
func Join(t testing.TB, h Harness, roomID string, cfg posthorn.Config) *Member {
	t.Helper()
	return StartJoin(t, h, roomID, cfg)()
}

// StartJoin is Join with the JoinRoom call running in the background, for
// a join that waits on a relay the test brings up afterwards: the function
// it returns waits for the join (on the test's goroutine) and returns the
// member.
func StartJoin(t testing.TB, h Harness, roomID string, cfg posthorn.Config) func() *Member {
	t.Helper()
	testutil.RequireNetns(t)
	h = h.withDefaults()
	cfg = h.memberConfig(cfg)
	m := &Member{ID: ids.New(ids.SelfIDLen), Log: NewLog(), h: h, cfg: cfg, roomID: roomID}
	m.Strategy = h.New(t, m.ID, slog.New(m.Log))
	if got := m.Strategy.SelfID(); got != m.ID {
		t.Fatalf("strategy SelfID %q, want %q", got, m.ID)
	}
	return m.startJoin(t)
}

// JoinOn is Join through an existing strategy instance s, which logs to
// log: several members, one per room, share the instance and its id.
func JoinOn(t testing.TB, h Harness, s posthorn.Strategy, log *Log, roomID string, cfg posthorn.Config) *Member {
	t.Helper()
	testutil.RequireNetns(t)
	h = h.withDefaults()
	cfg = h.memberConfig(cfg)
	m := &Member{ID: s.SelfID(), Strategy: s, Log: log, h: h, cfg: cfg, roomID: roomID}
	return m.startJoin(t)()
}

// memberConfig fills cfg's zero fields from h.
func (h Harness) memberConfig(cfg posthorn.Config) posthorn.Config {
	if cfg.AppID == "" {
		cfg.AppID = h.AppID
	}
	if cfg.RTCConfig == nil {
		cfg.RTCConfig = &posthorn.RTCConfiguration{}
	}
	if cfg.Protocol == "" {
		cfg.Protocol = h.Config.Protocol
	}
	if cfg.AnnounceInterval == 0 {
		cfg.AnnounceInterval = h.Config.AnnounceInterval
	}
	if cfg.AttemptTimeout == 0 {
		cfg.AttemptTimeout = h.Config.AttemptTimeout
	}
	return cfg
}

// startJoin runs JoinRoom in the background; see StartJoin.
func (m *Member) startJoin(t testing.TB) func() *Member {
	type result struct {
		r   *posthorn.Room
		err error
	}
	done := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
		defer cancel()
		r, err := m.Strategy.JoinRoom(ctx, m.cfg, m.roomID)
		done <- result{r, err}
	}()
	return func() *Member {
		t.Helper()
		res := <-done
		if res.err != nil {
			t.Fatalf("%s: JoinRoom(%q): %v", m.ID, m.roomID, res.err)
		}
		m.attach(t, res.r)
		return m
	}
}

// join joins m's room afresh and attaches the recorders.
func (m *Member) join(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	r, err := m.Strategy.JoinRoom(ctx, m.cfg, m.roomID)
	if err != nil {
		t.Fatalf("%s: JoinRoom(%q): %v", m.ID, m.roomID, err)
	}
	m.attach(t, r)
}

// attach makes r m's room and attaches the recorders.
func (m *Member) attach(t testing.TB, r *posthorn.Room) {
	t.Helper()
	t.Cleanup(func() { _ = r.Leave() })
	m.mu.Lock()
	m.Room = r
	m.actions, m.got = map[string]*posthorn.Action{}, map[string]chan Received{}
	m.peers, m.joins, m.leaves = map[string]bool{}, nil, nil
	m.prog = map[string][]Progress{}
	if m.changed == nil {
		m.changed = make(chan struct{})
	}
	m.mu.Unlock()
	for _, name := range Actions {
		a, err := r.MakeAction(name)
		if err != nil {
			t.Fatal(err)
		}
		ch := make(chan Received, 64)
		m.actions[name], m.got[name] = a, ch
		a.OnReceive(func(msg transfer.Message, from string) { ch <- Received{msg, from} })
		a.OnProgress(func(pct float64, from string, meta json.RawMessage) {
			meta = append(json.RawMessage(nil), meta...)
			m.update(func() { m.prog[name+"/"+from] = append(m.prog[name+"/"+from], Progress{pct, meta}) })
		})
	}
	r.OnPeerJoin(func(id string) {
		m.update(func() { m.peers[id] = true; m.joins = append(m.joins, id) })
	})
	r.OnPeerLeave(func(id string) {
		m.update(func() { delete(m.peers, id); m.leaves = append(m.leaves, id) })
	})
}

// Rejoin joins the same room again (after Leave) and records afresh.
func (m *Member) Rejoin(t testing.TB) *posthorn.Room {
	t.Helper()
	old := m.Room
	m.join(t)
	if m.Room == old {
		t.Fatalf("%s: JoinRoom after Leave returned the left room", m.ID)
	}
	return m.Room
}

// Action returns one of Actions.
func (m *Member) Action(name string) *posthorn.Action { return m.actions[name] }

func (m *Member) update(f func()) {
	m.mu.Lock()
	f()
	close(m.changed)
	m.changed = make(chan struct{})
	m.mu.Unlock()
}

// WaitUntil waits until cond holds; cond runs with the member's state
// locked (peers present now, onPeerJoin and onPeerLeave ids in order). It
// is rechecked on every change and every new log line of m.
func (m *Member) WaitUntil(t testing.TB, what string, cond func(peers map[string]bool, joins, leaves []string) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	for {
		logged := m.Log.changed()
		m.mu.Lock()
		ok := cond(m.peers, m.joins, m.leaves)
		changed := m.changed
		m.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-logged:
		case <-ctx.Done():
			m.mu.Lock()
			seen := slices.Sorted(maps.Keys(m.peers))
			m.mu.Unlock()
			t.Fatalf("%s: timed out waiting until %s; it sees %v", m.ID, what, seen)
		}
	}
}

// WaitPeers waits until onPeerJoin reported every one of others.
func (m *Member) WaitPeers(t testing.TB, others ...*Member) {
	t.Helper()
	m.WaitUntil(t, fmt.Sprintf("it sees %s", names(others)), func(p map[string]bool, _, _ []string) bool {
		for _, o := range others {
			if !p[o.ID] {
				return false
			}
		}
		return true
	})
}

// WaitGone waits until onPeerLeave reported o.
func (m *Member) WaitGone(t testing.TB, o *Member) {
	t.Helper()
	m.WaitUntil(t, "peer "+o.ID+" left", func(p map[string]bool, _, leaves []string) bool {
		return !p[o.ID] && slices.Contains(leaves, o.ID)
	})
}

// WaitLog waits until m logged a line containing every part.
func (m *Member) WaitLog(t testing.TB, parts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	if err := m.Log.Wait(ctx, parts...); err != nil {
		t.Fatalf("%s: %v", m.ID, err)
	}
}

// Recv returns the next message on action.
func (m *Member) Recv(t testing.TB, action string) Received {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	select {
	case r := <-m.got[action]:
		return r
	case <-ctx.Done():
		t.Fatalf("%s: nothing received on %q", m.ID, action)
	}
	return Received{}
}

// Unexpected returns a message already waiting on action, if any.
func (m *Member) Unexpected(action string) (Received, bool) {
	select {
	case r := <-m.got[action]:
		return r, true
	default:
		return Received{}, false
	}
}

// Progress returns the receiver-side progress calls of action from a peer.
func (m *Member) Progress(action, from string) []Progress {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.prog[action+"/"+from])
}

// Events returns copies of the onPeerJoin and onPeerLeave ids, in order.
func (m *Member) Events() (joins, leaves []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.joins), slices.Clone(m.leaves)
}

// Eventually polls cond until it holds, for conditions nothing signals
// (relay socket states, several members' logs). The polling period is not
// a timing assertion; WaitTimeout bounds the wait.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// Ctx returns a context that ends after WaitTimeout or with the test.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	t.Cleanup(cancel)
	return ctx
}

func names(ms []*Member) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.ID
	}
	return fmt.Sprint(s)
}

// Connected reports whether the member's room has a connection to id.
func (m *Member) Connected(id string) bool {
	_, ok := m.Room.Peers()[id]
	return ok
}
