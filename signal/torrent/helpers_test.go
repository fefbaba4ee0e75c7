package torrent

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
	"github.com/posthorn/posthorn/relay/tracker"
	"github.com/posthorn/posthorn/room"
	"github.com/posthorn/posthorn/signal"
	"github.com/posthorn/posthorn/signal/socket"
	"github.com/posthorn/posthorn/transfer"
)

// waitTimeout bounds every wait; it guards against hangs and asserts no timing.
const waitTimeout = 90 * time.Second

// logSink records log messages with their "peer" attribute so tests can
// check what was logged. POSTHORN_TEST_LOG=1 also prints everything.
type logSink struct {
	mu    sync.Mutex
	lines []string
	attrs []slog.Attr
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) WithAttrs(a []slog.Attr) slog.Handler {
	return &logSinkView{s, a}
}
func (s *logSink) WithGroup(string) slog.Handler { return s }
func (s *logSink) Handle(ctx context.Context, r slog.Record) error {
	return (&logSinkView{s, nil}).Handle(ctx, r)
}

type logSinkView struct {
	s     *logSink
	attrs []slog.Attr
}

func (v *logSinkView) Enabled(context.Context, slog.Level) bool { return true }
func (v *logSinkView) WithAttrs(a []slog.Attr) slog.Handler {
	return &logSinkView{v.s, append(append([]slog.Attr(nil), v.attrs...), a...)}
}
func (v *logSinkView) WithGroup(string) slog.Handler { return v }
func (v *logSinkView) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	for _, a := range v.attrs {
		b.WriteString(" " + a.String())
	}
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	line := b.String()
	if os.Getenv("POSTHORN_TEST_LOG") == "1" {
		fmt.Fprintln(os.Stderr, line)
	}
	v.s.mu.Lock()
	v.s.lines = append(v.s.lines, line)
	v.s.mu.Unlock()
	return nil
}

// has reports whether one logged line contains every part.
func (s *logSink) has(parts ...string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
next:
	for _, l := range s.lines {
		for _, p := range parts {
			if !strings.Contains(l, p) {
				continue next
			}
		}
		return true
	}
	return false
}

// count reports how many logged lines contain every part.
func (s *logSink) count(parts ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
next:
	for _, l := range s.lines {
		for _, p := range parts {
			if !strings.Contains(l, p) {
				continue next
			}
		}
		n++
	}
	return n
}

// testTracker is a Go tracker on a fixed loopback port that can be killed
// and restarted on the same port.
type testTracker struct {
	t    testing.TB
	addr string
	srv  *http.Server
	trk  *tracker.Server
}

func startTracker(t testing.TB) *testTracker {
	tt := &testTracker{t: t, addr: "127.0.0.1:0"}
	tt.start()
	t.Cleanup(tt.stop)
	return tt
}

func (tt *testTracker) start() {
	ln, err := net.Listen("tcp", tt.addr)
	if err != nil {
		tt.t.Fatal(err)
	}
	tt.addr = ln.Addr().String()
	tt.trk = tracker.New(tracker.Config{Logger: slog.New(slog.DiscardHandler)})
	tt.srv = &http.Server{Handler: tt.trk}
	go tt.srv.Serve(ln)
}

func (tt *testTracker) stop() {
	if tt.srv == nil {
		return
	}
	tt.srv.Close()
	tt.trk.Close()
	tt.srv = nil
}

func (tt *testTracker) url() string { return "ws://" + tt.addr + "/" }

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
	left    []string
	changed chan struct{}
	got     map[string]chan received
	prog    map[string][]float64
}

type received struct {
	m    transfer.Message
	from string
}

// testActions are registered right after joining, before any peer connects.
var testActions = []string{"chat", "json", "file", "marker"}

func joinMember(t testing.TB, urls []string, appID, roomID, password string) *member {
	t.Helper()
	m := &member{t: t, id: ids.New(ids.SelfIDLen), log: &logSink{}, acts: map[string]*room.Action{},
		peers: map[string]bool{}, changed: make(chan struct{}, 1), got: map[string]chan received{}, prog: map[string][]float64{}}
	m.s = New(Options{SelfID: m.id, Logger: slog.New(m.log),
		Socket: socket.Options{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}})
	t.Cleanup(m.s.Close)
	r, err := m.s.JoinRoom(context.Background(), signal.Config{
		AppID: appID, Password: password, RTCConfig: &webrtc.Configuration{}, RelayURLs: urls,
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
	r.OnPeerLeave(func(id string) { m.update(func() { delete(m.peers, id); m.left = append(m.left, id) }) })
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

// waitUntil waits until cond holds on the member's peer set.
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
