//go:build !js

package waku

import (
	"context"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/p2p/protocol/identify"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"

	"github.com/posthorn/posthorn/relay/waku/internal/wakupb"
)

func TestMultiaddrs(t *testing.T) {
	n := startNode(t, nil)
	addrs := n.Multiaddrs()
	if len(addrs) == 0 {
		t.Fatal("no multiaddr")
	}
	for _, a := range addrs {
		m := mustMultiaddr(t, a)
		if !strings.HasPrefix(a, "/ip4/127.0.0.1/tcp/") || !strings.HasSuffix(a, "/ws/p2p/"+n.PeerID()) {
			t.Errorf("multiaddr %s, want /ip4/127.0.0.1/tcp/<port>/ws/p2p/%s", m, n.PeerID())
		}
	}
}

// A LightPush message reaches every filter subscriber of its content topic,
// the publisher included, with its bytes as published, and no one else.
func TestLightPushReachesSubscribers(t *testing.T) {
	n := startNode(t, nil)
	a, b, other := newClient(t, n), newClient(t, n), newClient(t, n)
	for c, topic := range map[*testClient]string{a: "trystero/app/room", b: "trystero/app/room", other: "trystero/app/other"} {
		if r := c.filter(t, wakupb.Subscribe, topic); r.StatusCode != statusOK {
			t.Fatalf("subscribe: %+v", r)
		}
	}
	if r := b.publish(t, "trystero/app/room", "peer-b"); !r.Success {
		t.Fatalf("lightpush: %+v", r)
	}
	for _, c := range []*testClient{a, b} {
		m := c.next(t)
		if m.ContentTopic != "trystero/app/room" || string(m.Payload) != "peer-b" || !m.Ephemeral {
			t.Errorf("pushed %+v", m)
		}
	}
	// Pushes to one subscriber keep their order: had other been sent the
	// first message, it would come before this one.
	a.publish(t, "trystero/app/other", "marker")
	if m := other.next(t); string(m.Payload) != "marker" {
		t.Errorf("other got %q, subscribed to another topic", m.Payload)
	}
	if got := n.Totals().MessagesIn; got != 2 {
		t.Errorf("%d messages in, want 2", got)
	}
}

// A light client that answers neither identify nor ping (a minimal dialer:
// multistream-select, noise, mplex and the filter-push handler) is served
// all the same.
func TestClientWithoutIdentifyOrPing(t *testing.T) {
	n := startNode(t, nil)
	c, err := dialClient(t, n, identify.ID, identify.IDPush, ping.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer c.h.Close()
	if r := c.filter(t, wakupb.Subscribe, "t"); r.StatusCode != statusOK {
		t.Fatalf("subscribe: %+v", r)
	}
	c.publish(t, "t", "pushed")
	if m := c.next(t); string(m.Payload) != "pushed" {
		t.Errorf("pushed %q", m.Payload)
	}
}

// New refuses what it cannot serve, and leaves nothing running (TestMain
// checks the goroutines).
func TestNewErrors(t *testing.T) {
	taken := startNode(t, nil)
	busy := strings.Split(taken.Multiaddrs()[0], "/p2p/")[0]
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"not a multiaddr", Options{ListenAddr: "127.0.0.1:8001"}},
		{"not WebSocket", Options{ListenAddr: "/ip4/127.0.0.1/tcp/0"}},
		{"port taken", Options{ListenAddr: busy}},
		{"bad key", Options{Key: []byte{1, 2, 3}}},
	} {
		if n, err := New(context.Background(), &tc.o); err == nil {
			n.Close()
			t.Errorf("%s: no error", tc.name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(ctx, nil); err == nil {
		t.Error("cancelled context: no error")
	}
}
