package ipfs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/internal/waku"
)

const (
	// dialTimeout bounds connecting to a node and subscribing there.
	dialTimeout = 15 * time.Second
	// pingInterval is how often a subscription is pinged.
	pingInterval = time.Minute
	// unsubscribeTimeout bounds the goodbye when a room is left.
	unsubscribeTimeout = 2 * time.Second
)

// errNotConnected is Publish's error while the node is (re)connecting.
var errNotConnected = errors.New("ipfs: not connected to the service node")

// link is one room's connection to one service node: an engine.Relay that
// reconnects until the room is left.
type link struct {
	addr   string
	key    crypto.PrivKey
	topics *engine.Topics
	policy posthorn.ReconnectPolicy
	log    *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	client *waku.Client
	state  posthorn.RelayState
}

func newLink(addr string, key crypto.PrivKey, t *engine.Topics, policy posthorn.ReconnectPolicy, log *slog.Logger) *link {
	ctx, cancel := context.WithCancel(context.Background())
	return &link{addr: addr, key: key, topics: t, policy: policy, log: log.With("node", addr),
		ctx: ctx, cancel: cancel, done: make(chan struct{}), state: posthorn.RelayConnecting}
}

// URL is the node's multiaddr.
func (l *link) URL() string { return l.addr }

// State is the connection's state.
func (l *link) State() posthorn.RelayState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

// Publish light-pushes payload on the content topic, as @waku/sdk's
// createEncoder({contentTopic, ephemeral: true}) does.
func (l *link) Publish(ctx context.Context, topic string, payload []byte) error {
	l.mu.Lock()
	c := l.client
	l.mu.Unlock()
	if c == nil {
		return errNotConnected
	}
	return c.LightPush(ctx, waku.DefaultPubsubTopic, &waku.Message{
		Payload: payload, ContentTopic: topic, Timestamp: time.Now().UnixNano(), Ephemeral: true,
	})
}

// close stops the link and waits for it.
func (l *link) close() {
	l.cancel()
	<-l.done
}

func (l *link) set(c *waku.Client, st posthorn.RelayState) {
	l.mu.Lock()
	l.client, l.state = c, st
	l.mu.Unlock()
}

// run connects, and reconnects after the policy's waits, until close.
func (l *link) run() {
	defer close(l.done)
	defer l.set(nil, posthorn.RelayClosed)
	b := socket.Backoff{Policy: l.policy}
	for {
		l.set(nil, posthorn.RelayConnecting)
		if l.connect() {
			b.Reset()
		}
		if l.ctx.Err() != nil {
			return
		}
		l.set(nil, posthorn.RelayClosed)
		wait := b.Next()
		l.log.Debug("waku node connection ended; reconnecting", "in", wait)
		select {
		case <-time.After(wait):
		case <-l.ctx.Done():
			return
		}
	}
}

// connect dials the node, subscribes to the room's topics, announces and
// keeps the subscription until the connection ends. It reports whether
// the subscription was made.
func (l *link) connect() bool {
	dctx, cancel := context.WithTimeout(l.ctx, dialTimeout)
	defer cancel()
	c, err := waku.Dial(dctx, l.addr, waku.Options{Key: l.key, OnPush: l.onPush, Logger: l.log})
	if err != nil {
		l.failed(err)
		return false
	}
	defer c.Close()
	topics := []string{l.topics.RootTopic(), l.topics.SelfTopic()}
	if err := c.Subscribe(dctx, waku.DefaultPubsubTopic, topics); err != nil {
		l.failed(err)
		return false
	}
	l.set(c, posthorn.RelayOpen)
	defer l.topics.Forget(l)
	go func() {
		if err := l.topics.Ready(l.ctx, l); err != nil {
			l.log.Debug("waku announce failed", "err", err)
		}
	}()
	tick := time.NewTicker(pingInterval)
	defer tick.Stop()
	for {
		select {
		case <-c.Done():
			if l.ctx.Err() == nil {
				l.log.Info("waku node connection lost")
			}
			return true
		case <-l.ctx.Done():
			// @waku/sdk's unsubscribe on leave: tell the node, briefly.
			uctx, cancel := context.WithTimeout(context.Background(), unsubscribeTimeout)
			_ = c.Unsubscribe(uctx, waku.DefaultPubsubTopic, topics)
			cancel()
			return true
		case <-tick.C:
			pctx, cancel := context.WithTimeout(l.ctx, dialTimeout)
			err := c.Ping(pctx)
			cancel()
			if err != nil && l.ctx.Err() == nil {
				l.log.Info("waku subscription ping failed; reconnecting", "err", err)
				return true
			}
		}
	}
}

func (l *link) failed(err error) {
	if l.ctx.Err() != nil {
		return
	}
	l.log.Warn("waku node connection failed", "err", err)
	l.topics.Session().RelayFailed(l.addr, err)
}

// onPush hands a pushed message on the default pubsub topic to the room.
func (l *link) onPush(p waku.Push) {
	if p.PubsubTopic != "" && p.PubsubTopic != waku.DefaultPubsubTopic {
		l.log.Debug("ignoring push on another pubsub topic", "topic", p.PubsubTopic)
		return
	}
	l.topics.Deliver(l, p.Message.ContentTopic, p.Message.Payload)
}
