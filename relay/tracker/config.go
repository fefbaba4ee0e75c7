package tracker

import (
	"log/slog"
	"time"
)

// Protocol defaults. Each one says where it comes from.
const (
	// DefaultInterval is the announce interval told to clients. The reference
	// tracker tells WebSocket clients its 10-minute interval divided by 5, i.e.
	// 120 s, which is also the largest value Trystero adopts (protocol-0.18 §7.1).
	DefaultInterval = 120 * time.Second

	// DefaultPeerTTL is how long a peer stays in a swarm without announcing.
	// Same as the reference tracker's peer cache max age (20 minutes).
	DefaultPeerTTL = 20 * time.Minute

	// MaxAnnouncePeers caps how many peers one announce's offers go to; it is
	// the reference tracker's MAX_ANNOUNCE_PEERS (protocol-0.18 §7.1: "up to
	// min(len(offers), 82)").
	MaxAnnouncePeers = 82

	// DefaultMaxMessageBytes bounds one incoming WebSocket message. A Trystero
	// announce carries 10 non-trickle SDP offers (a few KiB each, more when
	// encrypted, §3, §7.1), so 256 KiB leaves ample room. Larger messages
	// close the connection (the rest of the frame cannot be skipped cheaply).
	DefaultMaxMessageBytes = 256 << 10

	// DefaultMaxSwarmsPerConn bounds the info_hashes one socket may take part
	// in. Trystero shares one socket per tracker between all rooms of a page
	// (§7.1), so a page in more than 256 rooms is not expected.
	DefaultMaxSwarmsPerConn = 256

	// DefaultMessagesPerSecond and DefaultMessageBurst rate-limit one
	// connection. A Trystero page sends one announce per room every 33-120 s
	// plus one answer per offer it receives (at most 10 per announce round of
	// each other peer), so 50/s with a burst of 200 is far above normal use.
	DefaultMessagesPerSecond = 50
	DefaultMessageBurst      = 200

	// DefaultSendQueue is how many outgoing messages may wait for one slow
	// client before the tracker drops that client.
	DefaultSendQueue = 1024

	// DefaultWriteTimeout bounds one write to a client.
	DefaultWriteTimeout = 10 * time.Second
)

// Config configures a Server. The zero value gives the documented defaults.
type Config struct {
	// Interval is the announce interval sent to clients (rounded up to whole
	// seconds, at least 1). Zero means DefaultInterval (120 s). Tests may set
	// a smaller value; note that Trystero only adopts 33 < interval ≤ 120.
	Interval time.Duration
	// PeerTTL removes peers that have not announced for this long. Zero means
	// DefaultPeerTTL.
	PeerTTL time.Duration
	// MaxMessageBytes bounds one incoming message; zero means
	// DefaultMaxMessageBytes.
	MaxMessageBytes int64
	// MaxSwarmsPerConn bounds the info_hashes one connection may join; zero
	// means DefaultMaxSwarmsPerConn.
	MaxSwarmsPerConn int
	// MessagesPerSecond and MessageBurst rate-limit each connection; zero
	// means the defaults. Messages over the limit get a failure reason.
	MessagesPerSecond float64
	MessageBurst      int
	// SendQueue is the per-connection outgoing queue length; zero means
	// DefaultSendQueue. A client whose queue overflows is disconnected.
	SendQueue int
	// WriteTimeout bounds one write; zero means DefaultWriteTimeout.
	WriteTimeout time.Duration
	// OriginPatterns restricts the Origin of browser clients (see
	// websocket.AcceptOptions). Nil accepts every origin: trackers are public
	// and browsers connect from any page.
	OriginPatterns []string
	// Logger receives warnings about misbehaving clients; nil means
	// slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.PeerTTL <= 0 {
		c.PeerTTL = DefaultPeerTTL
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MaxSwarmsPerConn <= 0 {
		c.MaxSwarmsPerConn = DefaultMaxSwarmsPerConn
	}
	if c.MessagesPerSecond <= 0 {
		c.MessagesPerSecond = DefaultMessagesPerSecond
	}
	if c.MessageBurst <= 0 {
		c.MessageBurst = DefaultMessageBurst
	}
	if c.SendQueue <= 0 {
		c.SendQueue = DefaultSendQueue
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// intervalSecs is the interval as sent on the wire: whole seconds, rounded up
// like the reference tracker's Math.ceil.
func (c Config) intervalSecs() int64 {
	s := int64((c.Interval + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}
