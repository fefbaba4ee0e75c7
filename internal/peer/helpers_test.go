//go:build !js

package peer

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/posthorn/posthorn/internal/testutil"
)

// testTimeout bounds every wait in the tests (loopback connects in well under
// a second; this only turns a hang into a failure).
const testTimeout = 30 * time.Second

// signalLog records every signal a peer emitted, in order.
type signalLog struct {
	mu   sync.Mutex
	sigs []Signal
}

func (l *signalLog) add(s Signal) {
	l.mu.Lock()
	l.sigs = append(l.sigs, s)
	l.mu.Unlock()
}

func (l *signalLog) all() []Signal {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Signal(nil), l.sigs...)
}

// waitFor polls cond until it holds or the test times out.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func recv[T any](t testing.TB, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testTimeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// pair is two peers whose signals are passed to each other through the JSON
// wire shape, as a signalling strategy would.
type pair struct {
	a, b       *Peer // a is the initiator
	aSig, bSig signalLog
	aUp, bUp   chan struct{}
	aDown      chan error
	bDown      chan error
}

type pairOpts struct {
	trickle bool
	// apiA and apiB build the initiator's and the other peer's connection;
	// nil = the package default.
	apiA, apiB *webrtc.API
	// filter may drop or inspect a signal on its way; return false to drop.
	filter func(from *Peer, s Signal) bool
	// perfect makes both peers use perfect negotiation (Config.Perfect).
	perfect bool
}

func newPeer(t testing.TB, initiator, trickle bool) *Peer {
	t.Helper()
	return newPeerAPI(t, initiator, trickle, nil)
}

func newPeerAPI(t testing.TB, initiator, trickle bool, api *webrtc.API) *Peer {
	t.Helper()
	return newPeerConfig(t, withAPI(Config{Initiator: initiator, Trickle: trickle}, api))
}

// withAPI returns cfg with its (native-only, promoted) API field set.
func withAPI(cfg Config, api *webrtc.API) Config {
	cfg.API = api
	return cfg
}

func newPeerConfig(t testing.TB, cfg Config) *Peer {
	t.Helper()
	cfg.RTCConfig = &webrtc.Configuration{}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// relay forwards from's signals to to, through JSON.
func relay(t testing.TB, from, to *Peer, log *signalLog, filter func(*Peer, Signal) bool) {
	from.OnSignal(func(s Signal) {
		log.add(s)
		if filter != nil && !filter(from, s) {
			return
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Errorf("marshal signal: %v", err)
			return
		}
		s2, err := ParseSignal(b)
		if err != nil {
			t.Errorf("parse own signal %s: %v", b, err)
			return
		}
		_ = to.Signal(s2)
	})
}

// newPeerNetns is newPeer for tests that need no partner.
func newPeerNetns(t testing.TB, initiator bool) *Peer {
	t.Helper()
	testutil.RequireNetns(t)
	return newPeer(t, initiator, false)
}

func newPair(t testing.TB, o pairOpts) *pair {
	t.Helper()
	testutil.RequireNetns(t)
	pr := &pair{
		a:   newPeerConfig(t, withAPI(Config{Initiator: true, Trickle: o.trickle, Perfect: o.perfect}, o.apiA)),
		b:   newPeerConfig(t, withAPI(Config{Trickle: o.trickle, Perfect: o.perfect}, o.apiB)),
		aUp: make(chan struct{}), bUp: make(chan struct{}),
		aDown: make(chan error, 1), bDown: make(chan error, 1),
	}
	pr.a.OnConnect(func() { close(pr.aUp) })
	pr.b.OnConnect(func() { close(pr.bUp) })
	pr.a.OnClose(func(err error) { pr.aDown <- err })
	pr.b.OnClose(func(err error) { pr.bDown <- err })
	relay(t, pr.a, pr.b, &pr.aSig, o.filter)
	relay(t, pr.b, pr.a, &pr.bSig, o.filter)
	return pr
}

func (pr *pair) waitConnected(t testing.TB) {
	t.Helper()
	recv(t, "initiator connect", pr.aUp)
	recv(t, "non-initiator connect", pr.bUp)
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}
