package strategytest

import (
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
)

// HandlerRelay serves a Go relay (relay/tracker, relay/nostrrelay,
// relay/mqttbroker: an http.Handler that is also an io.Closer) on a free
// loopback port, at "ws://127.0.0.1:<port>" + path. Stop closes the server
// and the relay (dropping every connection); Start serves a fresh relay
// from newRelay on the same port. It is stopped when the test ends. It
// skips t outside scripts/in-netns.
func HandlerRelay(t testing.TB, path string, newRelay func() HandlerCloser) *Relay {
	t.Helper()
	testutil.RequireNetns(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &goRelay{t: t, addr: ln.Addr().String(), newRelay: newRelay}
	g.serve(ln)
	t.Cleanup(g.stop)
	return &Relay{URL: "ws://" + g.addr + path, Stop: g.stop, Start: g.start}
}

// HandlerCloser is what the Go relays are.
type HandlerCloser interface {
	http.Handler
	io.Closer
}

type goRelay struct {
	t        testing.TB
	addr     string
	newRelay func() HandlerCloser
	mu       sync.Mutex
	srv      *http.Server
	relay    HandlerCloser
}

func (g *goRelay) serve(ln net.Listener) {
	relay := g.newRelay()
	srv := &http.Server{Handler: relay}
	go srv.Serve(ln)
	g.mu.Lock()
	g.srv, g.relay = srv, relay
	g.mu.Unlock()
}

func (g *goRelay) start() {
	g.t.Helper()
	var ln net.Listener
	var err error
	for range 100 { // the port may linger briefly after Close
		if ln, err = net.Listen("tcp", g.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		g.t.Fatalf("relisten on %s: %v", g.addr, err)
	}
	g.serve(ln)
}

func (g *goRelay) stop() {
	g.mu.Lock()
	srv, relay := g.srv, g.relay
	g.srv, g.relay = nil, nil
	g.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Close()
	relay.Close()
}
