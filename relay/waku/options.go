//go:build !js

package waku

import (
	"crypto/ed25519"
	"log/slog"
	"time"
)

// Defaults of Options. Each one says why it is what it is; the protocol
// behind them is docs/protocol-0.18.md §7.5 and §7.5.1.
const (
	// DefaultListenAddr listens on loopback only, on a free port: exposing
	// the node is the operator's choice (posthorn-relay -waku-addr).
	DefaultListenAddr = "/ip4/127.0.0.1/tcp/0/ws"

	// DefaultMaxConns bounds the node's libp2p connections. A Trystero page
	// holds one connection to the node whatever its number of rooms.
	DefaultMaxConns = 1024

	// DefaultMaxConnsPerIP bounds connections from one IPv4 address (or IPv6
	// /56), loopback included. js-libp2p keeps one connection per peer; a
	// few tabs behind one NAT stay well within it.
	DefaultMaxConnsPerIP = 16

	// DefaultMaxTopicsPerPeer bounds the content topics one peer may be
	// subscribed to. Trystero subscribes to two per room (root and self).
	DefaultMaxTopicsPerPeer = 64

	// DefaultMaxTopicsPerRequest bounds the content topics in one subscribe
	// or unsubscribe request; @waku/core sends one per decoder, Trystero one
	// per request. nwaku uses the same limit.
	DefaultMaxTopicsPerRequest = 30

	// DefaultMaxTopicBytes bounds a content topic: trystero/<app>/<room>/<id>.
	DefaultMaxTopicBytes = 512

	// DefaultMaxMessageBytes bounds one request frame, a LightPush request
	// with its WakuMessage included. Trystero publishes offers and answers
	// with a non-trickle SDP: a few KiB, more when encrypted; posthorn
	// clients up to about 90 KiB. Same cap as the Nostr relay's messages.
	DefaultMaxMessageBytes = 128 << 10

	// DefaultMaxPendingBytes bounds the request frames being read, over all
	// peers: each is reserved at its length prefix, so peers that announce
	// large frames and send them slowly hold no more than this together.
	// A request over it is answered 503 / "service busy".
	DefaultMaxPendingBytes = 32 << 20

	// DefaultPushQueueBytes bounds the pushes waiting for one subscriber;
	// further messages to it are dropped and counted.
	DefaultPushQueueBytes = 1 << 20

	// DefaultRequestsPerSecond and DefaultRequestBurst rate-limit one peer's
	// requests (LightPush and Filter together). Trystero announces every
	// 3333 ms per room plus its offers, answers and filter pings.
	DefaultRequestsPerSecond = 20
	DefaultRequestBurst      = 200

	// DefaultRequestTimeout bounds reading one request, from its first byte,
	// and writing its answer, and opening and writing one push stream.
	DefaultRequestTimeout = 10 * time.Second

	// DefaultMaxStreamsPerPeer bounds a peer's open LightPush streams, and
	// its filter-subscribe streams. @waku/core opens one stream of each in
	// advance and may leave it idle for as long as the page lives (§7.5.1),
	// so the node waits for a request's first byte without a deadline and
	// bounds the streams instead; beyond that, a page sends one request per
	// room at a time.
	DefaultMaxStreamsPerPeer = 64
)

// Options configures a Node. A nil *Options, or a zero field, means the
// default above.
type Options struct {
	// ListenAddr is the multiaddr to listen on; it must end in /ws, the
	// only transport @waku/sdk 0.0.22 dials (§7.5.1), for example
	// /ip4/0.0.0.0/tcp/8001/ws.
	ListenAddr string
	// Key is the node's identity, hence its peer id (the /p2p/ part of its
	// multiaddrs, which clients put in their bootstrap list). Nil means a
	// fresh key: a new peer id on every start.
	Key ed25519.PrivateKey

	MaxConns            int
	MaxConnsPerIP       int
	MaxTopicsPerPeer    int
	MaxTopicsPerRequest int
	MaxTopicBytes       int
	MaxMessageBytes     int
	MaxPendingBytes     int
	PushQueueBytes      int
	RequestsPerSecond   float64
	RequestBurst        int
	RequestTimeout      time.Duration
	MaxStreamsPerPeer   int

	// Logger receives the node's logs; nil means slog.Default().
	Logger *slog.Logger
}

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	set := func(p *int, d int) {
		if *p <= 0 {
			*p = d
		}
	}
	if c.ListenAddr == "" {
		c.ListenAddr = DefaultListenAddr
	}
	set(&c.MaxConns, DefaultMaxConns)
	set(&c.MaxConnsPerIP, DefaultMaxConnsPerIP)
	set(&c.MaxTopicsPerPeer, DefaultMaxTopicsPerPeer)
	set(&c.MaxTopicsPerRequest, DefaultMaxTopicsPerRequest)
	set(&c.MaxTopicBytes, DefaultMaxTopicBytes)
	set(&c.MaxMessageBytes, DefaultMaxMessageBytes)
	set(&c.MaxPendingBytes, DefaultMaxPendingBytes)
	set(&c.PushQueueBytes, DefaultPushQueueBytes)
	set(&c.RequestBurst, DefaultRequestBurst)
	set(&c.MaxStreamsPerPeer, DefaultMaxStreamsPerPeer)
	if c.RequestsPerSecond <= 0 {
		c.RequestsPerSecond = DefaultRequestsPerSecond
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
