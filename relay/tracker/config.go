package tracker

import (
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"github.com/posthorn/posthorn/relay/internal/wsconn"
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

	// DefaultMaxPeersPerConn bounds the peer_ids one socket may announce in
	// one swarm. Trystero announces one peer_id (its selfId) per room
	// (§7.1); a few more leave room for clients that rotate ids.
	DefaultMaxPeersPerConn = 4

	// DefaultSendQueueBytes caps the bytes waiting to be written to one
	// client; a client whose queue would exceed it is disconnected. A
	// forwarded offer or answer is a few KiB (§7.1), so 512 KiB holds dozens,
	// and always one message of DefaultMaxMessageBytes.
	DefaultSendQueueBytes = 512 << 10

	// DefaultWriteTimeout bounds one write to a client, and how long a ping
	// may wait for its pong.
	DefaultWriteTimeout = 10 * time.Second

	// DefaultFirstMessageTimeout closes a socket that sends nothing after
	// the upgrade. Trystero announces as soon as its socket opens (§7.1).
	DefaultFirstMessageTimeout = 15 * time.Second

	// DefaultIdleTimeout closes a socket that sent nothing for this long.
	// Trystero re-announces every room at least every 120 s (§7.1).
	DefaultIdleTimeout = 5 * time.Minute

	// DefaultPingInterval is how often the tracker pings each client, to
	// find dead sockets before their peers are offered to others.
	DefaultPingInterval = 30 * time.Second
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
	// MaxPeersPerConn bounds the peer_ids one connection may announce in
	// one swarm; zero means DefaultMaxPeersPerConn.
	MaxPeersPerConn int
	// SendQueueBytes caps one connection's outgoing queue in bytes; zero
	// means DefaultSendQueueBytes. A client whose queue overflows is
	// disconnected.
	SendQueueBytes int
	// WriteTimeout bounds one write and one ping; zero means
	// DefaultWriteTimeout.
	WriteTimeout time.Duration
	// FirstMessageTimeout, IdleTimeout and PingInterval close silent and
	// dead sockets; zero means the defaults.
	FirstMessageTimeout time.Duration
	IdleTimeout         time.Duration
	PingInterval        time.Duration
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
	if c.MaxPeersPerConn <= 0 {
		c.MaxPeersPerConn = DefaultMaxPeersPerConn
	}
	if c.SendQueueBytes <= 0 {
		c.SendQueueBytes = DefaultSendQueueBytes
	}
	durations := []struct {
		v *time.Duration
		d time.Duration
	}{
		{&c.WriteTimeout, DefaultWriteTimeout},
		{&c.FirstMessageTimeout, DefaultFirstMessageTimeout},
		{&c.IdleTimeout, DefaultIdleTimeout},
		{&c.PingInterval, DefaultPingInterval},
	}
	for _, d := range durations {
		if *d.v <= 0 {
			*d.v = d.d
		}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// limits returns the per-connection limits of c (after withDefaults).
func (c Config) limits(counters *wsconn.Counters) wsconn.Limits {
	return wsconn.Limits{
		QueueBytes:   c.SendQueueBytes,
		WriteTimeout: c.WriteTimeout,
		FirstMessage: c.FirstMessageTimeout,
		Idle:         c.IdleTimeout,
		PingInterval: c.PingInterval,
		Rate:         rate.Limit(c.MessagesPerSecond),
		Burst:        c.MessageBurst,
		Counters:     counters,
	}
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
