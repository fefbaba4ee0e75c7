package ipfs

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/internal/waku"
)

const (
	// dialTimeout bounds connecting to a node, and one subscribe or ping.
	dialTimeout = 15 * time.Second
	// pingInterval is how often the subscriptions are pinged.
	pingInterval = time.Minute
	// unsubscribeTimeout bounds the goodbye when a room is left.
	unsubscribeTimeout = 2 * time.Second
)

// nodeConn is an instance's one connection to one service node, shared by
// its rooms, as @waku/sdk's one light node per page is: the node routes
// its pushes by peer id, so one identity must not hold several
// connections. It subscribes each room's content topics, hands pushes to
// the room whose topic they carry, and reconnects (subscribing and
// announcing again) until its last room is left.
type nodeConn struct {
	addr   string
	key    ed25519.PrivateKey
	policy posthorn.ReconnectPolicy
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	client  *waku.Client
	state   posthorn.RelayState
	links   map[*link]bool // rooms; true once subscribed on client
	byTopic map[string]*link
}

func newNodeConn(addr string, key ed25519.PrivateKey, policy posthorn.ReconnectPolicy, log *slog.Logger) *nodeConn {
	ctx, cancel := context.WithCancel(context.Background())
	nc := &nodeConn{addr: addr, key: key, policy: policy, log: log.With("node", addr), ctx: ctx, cancel: cancel,
		done: make(chan struct{}), state: posthorn.RelayConnecting, links: map[*link]bool{}, byTopic: map[string]*link{}}
	go nc.run()
	return nc
}

// State is the connection's state.
func (nc *nodeConn) State() posthorn.RelayState {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	return nc.state
}

func (nc *nodeConn) current() *waku.Client {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	return nc.client
}

// add makes l's room one of the connection's; if connected, it subscribes
// and announces at once.
func (nc *nodeConn) add(l *link) {
	nc.mu.Lock()
	nc.links[l] = false
	for _, t := range l.contentTopics() {
		nc.byTopic[t] = l
	}
	c := nc.client
	nc.mu.Unlock()
	if c != nil {
		go nc.subscribe(c, l)
	}
}

// remove drops l's room. It reports whether no room is left, and
// otherwise returns the client to unsubscribe l's topics on.
func (nc *nodeConn) remove(l *link) (empty bool, c *waku.Client) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	delete(nc.links, l)
	for _, t := range l.contentTopics() {
		if nc.byTopic[t] == l {
			delete(nc.byTopic, t)
		}
	}
	return len(nc.links) == 0, nc.client
}

// close ends the connection for good and waits for it.
func (nc *nodeConn) close() {
	nc.cancel()
	<-nc.done
}

// subscribe subscribes l's topics on c and then announces l's room there.
func (nc *nodeConn) subscribe(c *waku.Client, l *link) {
	ctx, cancel := context.WithTimeout(l.ctx, dialTimeout)
	err := c.Subscribe(ctx, waku.DefaultPubsubTopic, l.contentTopics())
	cancel()
	if err != nil {
		if l.ctx.Err() == nil && nc.ctx.Err() == nil {
			nc.log.Warn("waku subscribe failed", "err", err)
			l.topics.Session().RelayFailed(nc.addr, err)
		}
		return
	}
	nc.mu.Lock()
	_, present := nc.links[l]
	ok := present && nc.client == c
	if ok {
		nc.links[l] = true
	}
	nc.mu.Unlock()
	if !ok {
		return
	}
	if err := l.topics.Ready(l.ctx, l); err != nil {
		nc.log.Debug("waku announce failed", "err", err)
	}
}

func (nc *nodeConn) set(c *waku.Client, st posthorn.RelayState) {
	nc.mu.Lock()
	nc.client, nc.state = c, st
	nc.mu.Unlock()
}

// rooms returns the connection's rooms.
func (nc *nodeConn) rooms() []*link {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	ls := make([]*link, 0, len(nc.links))
	for l := range nc.links {
		ls = append(ls, l)
	}
	return ls
}

// run connects, and reconnects after the policy's waits, until close.
func (nc *nodeConn) run() {
	defer close(nc.done)
	defer nc.set(nil, posthorn.RelayClosed)
	b := socket.Backoff{Policy: nc.policy}
	for {
		nc.set(nil, posthorn.RelayConnecting)
		if nc.connect() {
			b.Reset()
		}
		if nc.ctx.Err() != nil {
			return
		}
		nc.set(nil, posthorn.RelayClosed)
		wait := b.Next()
		nc.log.Debug("waku node connection ended; reconnecting", "in", wait)
		select {
		case <-time.After(wait):
		case <-nc.ctx.Done():
			return
		}
	}
}

// connect dials the node, subscribes and announces every room, and keeps
// the connection until it ends, a ping fails or close. It reports whether
// the connection opened.
func (nc *nodeConn) connect() bool {
	dctx, cancel := context.WithTimeout(nc.ctx, dialTimeout)
	c, err := waku.Dial(dctx, nc.addr, waku.Options{Key: nc.key, OnPush: nc.onPush, Logger: nc.log})
	cancel()
	if err != nil {
		if nc.ctx.Err() == nil {
			nc.log.Warn("waku node connection failed", "err", err)
			for _, l := range nc.rooms() {
				l.topics.Session().RelayFailed(nc.addr, err)
			}
		}
		return false
	}
	defer c.Close()
	nc.set(c, posthorn.RelayOpen)
	defer func() {
		nc.mu.Lock()
		for l := range nc.links {
			nc.links[l] = false
			l.topics.Forget(l)
		}
		nc.mu.Unlock()
	}()
	for _, l := range nc.rooms() {
		go nc.subscribe(c, l)
	}
	tick := time.NewTicker(pingInterval)
	defer tick.Stop()
	for {
		select {
		case <-c.Done():
			if nc.ctx.Err() == nil {
				nc.log.Info("waku node connection lost")
			}
			return true
		case <-nc.ctx.Done():
			return true
		case <-tick.C:
			pctx, cancel := context.WithTimeout(nc.ctx, dialTimeout)
			err := c.Ping(pctx)
			cancel()
			if err != nil && nc.ctx.Err() == nil {
				nc.log.Info("waku subscription ping failed; reconnecting", "err", err)
				return true
			}
		}
	}
}

// onPush hands a pushed message on the default pubsub topic to the room
// subscribed to its content topic.
func (nc *nodeConn) onPush(p waku.Push) {
	if p.PubsubTopic != "" && p.PubsubTopic != waku.DefaultPubsubTopic {
		nc.log.Debug("ignoring push on another pubsub topic", "topic", p.PubsubTopic)
		return
	}
	nc.mu.Lock()
	l := nc.byTopic[p.Message.ContentTopic]
	nc.mu.Unlock()
	if l == nil {
		nc.log.Debug("ignoring push for no room", "topic", p.Message.ContentTopic)
		return
	}
	l.topics.Deliver(l, p.Message.ContentTopic, p.Message.Payload)
}
