//go:build !js

package waku

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/relay/waku/internal/wakupb"
)

// A peer cannot hold more than MaxTopicsPerPeer content topics, nor ask for
// more than MaxTopicsPerRequest or a topic over MaxTopicBytes at once; a
// refused subscribe changes nothing.
func TestSubscriptionLimits(t *testing.T) {
	n := startNode(t, &Options{MaxTopicsPerPeer: 3, MaxTopicsPerRequest: 2, MaxTopicBytes: 16})
	c := newClient(t, n)
	if r := c.filter(t, wakupb.Subscribe, "a", "b", "c"); r.StatusCode != statusBadRequest {
		t.Errorf("3 topics in one request: status %d", r.StatusCode)
	}
	if r := c.filter(t, wakupb.Subscribe, strings.Repeat("x", 17)); r.StatusCode != statusBadRequest {
		t.Errorf("17-byte topic: status %d", r.StatusCode)
	}
	for _, topics := range [][]string{{"a", "b"}, {"b", "c"}} {
		if r := c.filter(t, wakupb.Subscribe, topics...); r.StatusCode != statusOK {
			t.Fatalf("subscribe %v: %+v", topics, r)
		}
	}
	if r := c.filter(t, wakupb.Subscribe, "c", "d"); r.StatusCode != statusUnavailable {
		t.Errorf("4th topic: status %d", r.StatusCode)
	}
	if got := n.Subscriptions(); got != 3 {
		t.Errorf("%d subscriptions, want 3", got)
	}
	// Another peer has its own allowance.
	if r := newClient(t, n).filter(t, wakupb.Subscribe, "d", "e"); r.StatusCode != statusOK {
		t.Errorf("other peer: %+v", r)
	}
}

// Requests over a peer's rate are refused (429, or a failed LightPush) and
// counted; other peers are not affected.
func TestRateLimit(t *testing.T) {
	n := startNode(t, &Options{RequestsPerSecond: 0.001, RequestBurst: 2})
	c := newClient(t, n)
	c.filter(t, wakupb.Subscribe, "t")
	c.publish(t, "t", "1")
	if r := c.filter(t, wakupb.SubscriberPing); r.StatusCode != statusTooMany {
		t.Errorf("3rd request: status %d", r.StatusCode)
	}
	if r := c.publish(t, "t", "2"); r.Success || r.Info != "rate limited" {
		t.Errorf("4th request: %+v", r)
	}
	if got := n.Totals().RateLimited; got != 2 {
		t.Errorf("%d rate limited, want 2", got)
	}
	if r := newClient(t, n).filter(t, wakupb.Subscribe, "t"); r.StatusCode != statusOK {
		t.Errorf("other peer: %+v", r)
	}
}

// A push that does not fit in the subscriber's queue is dropped and counted.
func TestPushQueueBound(t *testing.T) {
	n := startNode(t, &Options{PushQueueBytes: 64})
	c := newClient(t, n)
	c.filter(t, wakupb.Subscribe, "t")
	c.publish(t, "t", strings.Repeat("x", 100))
	c.publish(t, "t", "small")
	if m := c.next(t); string(m.Payload) != "small" {
		t.Errorf("pushed %q, want only the small message", m.Payload)
	}
	if got := n.Totals().QueueDrops; got != 1 {
		t.Errorf("%d queue drops, want 1", got)
	}
}

func TestPushQueue(t *testing.T) {
	q := newPushQueue(10)
	for i, tc := range []struct {
		n  int
		ok bool
	}{{4, true}, {6, true}, {1, false}} {
		if got := q.put(make([]byte, tc.n)); got != tc.ok {
			t.Errorf("put %d (%d bytes): %v, want %v", i, tc.n, got, tc.ok)
		}
	}
	if f := q.take(); len(f) != 2 {
		t.Errorf("took %d frames, want 2", len(f))
	}
	if !q.put(make([]byte, 10)) {
		t.Error("queue still full after take")
	}
}

// A peer's subscriptions and state end when it disconnects.
func TestDisconnectDropsSubscriptions(t *testing.T) {
	n := startNode(t, nil)
	c := newClient(t, n)
	c.filter(t, wakupb.Subscribe, "a", "b")
	if got := n.Subscriptions(); got != 2 {
		t.Fatalf("%d subscriptions, want 2", got)
	}
	c.h.Close()
	eventually(t, "subscriptions dropped", func() bool { return n.Subscriptions() == 0 && n.clientCount() == 0 })
}

// Connections over MaxConnsPerIP (loopback included) or MaxConns are refused.
func TestConnectionCaps(t *testing.T) {
	for _, o := range []*Options{{MaxConnsPerIP: 2}, {MaxConns: 2}} {
		t.Run(fmt.Sprintf("%+v", *o), func(t *testing.T) {
			n := startNode(t, o)
			newClient(t, n)
			newClient(t, n)
			if c, err := dialClient(t, n); err == nil {
				// The handshake may complete before the node's resource
				// manager refuses the connection: it must not last.
				defer c.h.Close()
				eventually(t, "third connection closed", func() bool { return len(c.h.Network().Conns()) == 0 })
			}
			if got := n.Conns(); got != 2 {
				t.Errorf("%d connections, want 2", got)
			}
		})
	}
}

func (n *Node) clientCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.clients)
}

// eventually polls cond until it holds, failing t after wait.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, wait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
