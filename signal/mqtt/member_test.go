package mqtt

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/ids"
	"github.com/posthorn/posthorn/room"
	"github.com/posthorn/posthorn/signal"
	"github.com/posthorn/posthorn/transfer"
)

// waitTimeout bounds every wait in room tests; it guards against hangs and
// asserts no timing.
const waitTimeout = 90 * time.Second

// lines is a slog.Handler that records every log line (with its attributes)
// so tests can wait for a logged event. POSTHORN_TEST_LOG=1 prints them too.
type lines struct {
	mu    *sync.Mutex
	all   *[]string
	attrs string
}

func newLines() lines { return lines{mu: new(sync.Mutex), all: new([]string)} }

func (l lines) Enabled(context.Context, slog.Level) bool { return true }
func (l lines) WithGroup(string) slog.Handler            { return l }
func (l lines) WithAttrs(as []slog.Attr) slog.Handler {
	for _, a := range as {
		l.attrs += " " + a.String()
	}
	return l
}
func (l lines) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message + l.attrs)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	if os.Getenv("POSTHORN_TEST_LOG") == "1" {
		fmt.Fprintln(os.Stderr, b.String())
	}
	l.mu.Lock()
	*l.all = append(*l.all, b.String())
	l.mu.Unlock()
	return nil
}

// has reports whether a logged line contains every part.
func (l lines) has(parts ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
next:
	for _, line := range *l.all {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue next
			}
		}
		return true
	}
	return false
}

// member is one native peer (its own Strategy, so its own id) in a room.
type member struct {
	t    *testing.T
	id   string
	s    *Strategy
	r    *room.Room
	log  lines
	acts map[string]*room.Action
	got  map[string]chan received

	mu      sync.Mutex
	peers   map[string]bool
	prog    map[string][]float64
	changed chan struct{}
}

type received struct {
	m    transfer.Message
	from string
}

// testActions are registered right after joining, before any peer connects.
var testActions = []string{"chat", "json", "file", "marker"}

func join(t *testing.T, urls []string, roomID, password string) *member {
	t.Helper()
	m := &member{t: t, id: ids.New(ids.SelfIDLen), log: newLines(), acts: map[string]*room.Action{},
		got: map[string]chan received{}, peers: map[string]bool{}, prog: map[string][]float64{},
		changed: make(chan struct{}, 1)}
	m.s = New(Options{SelfID: m.id, Logger: slog.New(m.log),
		Client: ClientOptions{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}})
	r, err := m.s.JoinRoom(context.Background(), signal.Config{
		AppID: "test-app", Password: password, RTCConfig: &webrtc.Configuration{}, RelayURLs: urls,
	}, roomID)
	if err != nil {
		t.Fatal(err)
	}
	m.r = r
	t.Cleanup(func() { _ = r.Leave() })
	for _, name := range testActions {
		a, err := r.MakeAction(name)
		if err != nil {
			t.Fatal(err)
		}
		ch := make(chan received, 64)
		m.acts[name], m.got[name] = a, ch
		a.OnReceive(func(msg transfer.Message, from string) { ch <- received{msg, from} })
		if name == "file" { // progress of the binary transfers only
			a.OnProgress(func(pct float64, from string, _ json.RawMessage) {
				m.mu.Lock()
				m.prog[from] = append(m.prog[from], pct)
				m.mu.Unlock()
			})
		}
	}
	r.OnPeerJoin(func(id string) { m.update(func() { m.peers[id] = true }) })
	r.OnPeerLeave(func(id string) { m.update(func() { delete(m.peers, id) }) })
	return m
}

func (m *member) update(f func()) {
	m.mu.Lock()
	f()
	m.mu.Unlock()
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

func (m *member) waitUntil(what string, cond func(peers map[string]bool) bool) {
	m.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		m.mu.Lock()
		ok := cond(m.peers)
		m.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-m.changed:
		case <-deadline:
			m.t.Fatalf("%s: timed out waiting until %s", m.id, what)
		}
	}
}

func (m *member) waitPeers(others ...*member) {
	m.t.Helper()
	m.waitUntil(fmt.Sprintf("it sees %d peers", len(others)), func(p map[string]bool) bool {
		for _, o := range others {
			if !p[o.id] {
				return false
			}
		}
		return true
	})
}

func (m *member) waitGone(o *member) {
	m.t.Helper()
	m.waitUntil("peer "+o.id+" left", func(p map[string]bool) bool { return !p[o.id] })
}

func (m *member) peerCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.peers)
}

func (m *member) recv(action string) received {
	m.t.Helper()
	select {
	case r := <-m.got[action]:
		return r
	case <-time.After(waitTimeout):
		m.t.Fatalf("%s: nothing received on %q", m.id, action)
	}
	return received{}
}

func (m *member) progress(from string) []float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]float64(nil), m.prog[from]...)
}

func (m *member) progressLen() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.prog)
}

// waitLog waits until m logged a line containing every part.
func (m *member) waitLog(parts ...string) {
	m.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !m.log.has(parts...) {
		if time.Now().After(deadline) {
			m.t.Fatalf("%s: timed out waiting for a log line with %q", m.id, parts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}
