//go:build !js

package waku

import (
	"context"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"golang.org/x/time/rate"
)

// client is what the node holds for one connected peer that made a request:
// its rate limiter, its filter subscriptions and its push queue. It lives
// until the peer's last connection closes (forget).
type client struct {
	id     peer.ID
	lim    *rate.Limiter
	topics map[string]struct{}
	queue  *pushQueue
	stop   context.CancelFunc
}

// client returns the state of a connected peer, creating it and starting its
// pusher on its first request. It fails for a peer no longer connected, so
// that a request racing a disconnect leaves nothing behind.
func (n *Node) client(id peer.ID) (*client, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, errClosed
	}
	if c := n.clients[id]; c != nil {
		return c, nil
	}
	if n.h.Network().Connectedness(id) != network.Connected {
		return nil, network.ErrNoConn
	}
	ctx, stop := context.WithCancel(n.ctx)
	c := &client{
		id:     id,
		lim:    rate.NewLimiter(rate.Limit(n.opts.RequestsPerSecond), n.opts.RequestBurst),
		topics: map[string]struct{}{},
		queue:  newPushQueue(n.opts.PushQueueBytes),
		stop:   stop,
	}
	n.clients[id] = c
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		n.pushLoop(ctx, c)
	}()
	return c, nil
}

// forget drops a peer's state once it has no connection left: the RFC lets a
// service node end the subscriptions of a client it cannot reach.
// Connectedness is read under n.mu, as in client, so that a peer that
// reconnects at once keeps the state its new connection made.
func (n *Node) forget(id peer.ID) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.h.Network().Connectedness(id) == network.Connected {
		return
	}
	if c := n.clients[id]; c != nil {
		n.dropLocked(c)
		n.log.Debug("peer gone, subscriptions dropped", "peer", id)
	}
}

func (n *Node) dropLocked(c *client) {
	n.unsubscribeLocked(c, nil)
	c.stop()
	delete(n.clients, c.id)
}

// subscribeLocked adds topics to c's subscription, all or none: it reports
// false if that would take c over MaxTopicsPerPeer.
func (n *Node) subscribeLocked(c *client, topics []string) bool {
	added := 0
	for _, t := range topics {
		if _, ok := c.topics[t]; !ok {
			added++
		}
	}
	if len(c.topics)+added > n.opts.MaxTopicsPerPeer {
		return false
	}
	for _, t := range topics {
		c.topics[t] = struct{}{}
		subs := n.topics[t]
		if subs == nil {
			subs = map[*client]struct{}{}
			n.topics[t] = subs
		}
		subs[c] = struct{}{}
	}
	return true
}

// unsubscribeLocked removes topics (nil: all) from c's subscription and
// returns how many c held.
func (n *Node) unsubscribeLocked(c *client, topics []string) int {
	if topics == nil {
		for t := range c.topics {
			topics = append(topics, t)
		}
	}
	removed := 0
	for _, t := range topics {
		if _, ok := c.topics[t]; !ok {
			continue
		}
		removed++
		delete(c.topics, t)
		if subs := n.topics[t]; subs != nil {
			delete(subs, c)
			if len(subs) == 0 {
				delete(n.topics, t)
			}
		}
	}
	return removed
}
