package nostr

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/ids"
	"github.com/posthorn/posthorn/relay/nostrrelay"
	"github.com/posthorn/posthorn/room"
	"github.com/posthorn/posthorn/signal"
	"github.com/posthorn/posthorn/signal/socket"
	"github.com/posthorn/posthorn/signal/topic"
	"github.com/posthorn/posthorn/transfer"
)

// waitTimeout bounds every wait; it guards against hangs and asserts no timing.
const waitTimeout = 60 * time.Second

// logSink records log lines (message and attributes); POSTHORN_TEST_LOG=1
// also prints them.
type logSink struct {
	mu    sync.Mutex
	lines []string
	attrs []slog.Attr
	root  *logSink
}

func newLogSink() *logSink { s := &logSink{}; s.root = s; return s }

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) WithAttrs(a []slog.Attr) slog.Handler {
	return &logSink{attrs: append(append([]slog.Attr(nil), s.attrs...), a...), root: s.root}
}
func (s *logSink) WithGroup(string) slog.Handler { return s }
func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	for _, a := range s.attrs {
		b.WriteString(" " + a.String())
	}
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	if os.Getenv("POSTHORN_TEST_LOG") == "1" {
		fmt.Fprintln(os.Stderr, b.String())
	}
	s.root.mu.Lock()
	s.root.lines = append(s.root.lines, b.String())
	s.root.mu.Unlock()
	return nil
}

func (s *logSink) has(sub string) bool {
	s.root.mu.Lock()
	defer s.root.mu.Unlock()
	for _, l := range s.root.lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// testRelay is our Go relay on a loopback port that can be stopped and
// restarted on the same port.
type testRelay struct {
	t    testing.TB
	addr string
	srv  *http.Server
	rl   *nostrrelay.Server
}

func startRelay(t testing.TB) *testRelay {
	tr := &testRelay{t: t, addr: "127.0.0.1:0"}
	tr.start()
	t.Cleanup(tr.stop)
	return tr
}

func (tr *testRelay) start() {
	var ln net.Listener
	var err error
	for range 50 { // the old listener's port may take a moment to free up
		if ln, err = net.Listen("tcp", tr.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tr.t.Fatal(err)
	}
	tr.addr = ln.Addr().String()
	tr.rl = nostrrelay.New(nostrrelay.Config{Logger: slog.New(slog.DiscardHandler)})
	tr.srv = &http.Server{Handler: tr.rl}
	go tr.srv.Serve(ln)
}

func (tr *testRelay) stop() {
	if tr.srv == nil {
		return
	}
	tr.srv.Close()
	_ = tr.rl.Close()
	tr.srv = nil
}

func (tr *testRelay) url() string { return "ws://" + tr.addr + "/" }

// deadURL is a loopback URL nothing listens on.
func deadURL(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "ws://" + addr + "/"
}

// member is one native peer in a room.
type member struct {
	t    testing.TB
	id   string
	s    *Strategy
	r    *room.Room
	log  *logSink
	acts map[string]*room.Action

	mu      sync.Mutex
	peers   map[string]bool
	changed chan struct{}
	got     map[string]chan received
	prog    map[string][]float64
}

type received struct {
	m    transfer.Message
	from string
}

var testActions = []string{"chat", "json", "file", "marker"}

func joinMember(t testing.TB, urls []string, roomID, password string) *member {
	t.Helper()
	m := &member{t: t, id: ids.New(ids.SelfIDLen), log: newLogSink(), acts: map[string]*room.Action{},
		peers: map[string]bool{}, changed: make(chan struct{}, 1), got: map[string]chan received{}, prog: map[string][]float64{}}
	m.s = New(Options{SelfID: m.id, Logger: slog.New(m.log),
		Socket: socket.Options{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second},
		Topic:  topic.Config{AnnounceInterval: 2 * time.Second, NudgeDelay: 200 * time.Millisecond}})
	t.Cleanup(m.s.Close)
	r, err := m.s.JoinRoom(context.Background(), signal.Config{
		AppID: "posthorn-test", Password: password, RTCConfig: &webrtc.Configuration{}, RelayURLs: urls,
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
		a.OnProgress(func(pct float64, from string, _ json.RawMessage) {
			m.mu.Lock()
			m.prog[name+"/"+from] = append(m.prog[name+"/"+from], pct)
			m.mu.Unlock()
		})
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
		case <-time.After(50 * time.Millisecond): // conditions on logs change silently
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

func (m *member) progress(action, from string) []float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]float64(nil), m.prog[action+"/"+from]...)
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}
