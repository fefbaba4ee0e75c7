package mqttbroker

import (
	"log/slog"
	"time"
)

// Defaults. Each one says why it is what it is.
const (
	// DefaultMaxClients bounds concurrently connected clients. Trystero opens
	// one connection per room and broker (protocol-0.18 §7.3), so this is about
	// as many room memberships as a small self-hosted relay should carry.
	DefaultMaxClients = 10000

	// DefaultMaxPacketBytes bounds one MQTT packet in either direction. The
	// largest Trystero payload is an offer or answer carrying a non-trickle
	// SDP (protocol-0.18 §4.3, §7.3): a few KiB, more when encrypted (§3);
	// posthorn clients publish up to about 90 KiB. 128 KiB matches the Nostr
	// relay's message cap.
	DefaultMaxPacketBytes = 128 << 10

	// DefaultMaxPendingBytes caps the bytes waiting to be written to one
	// client (payloads, topics and bookkeeping, counted whatever the number
	// of packets); publishes to a client over it are dropped and counted
	// (QoS 0 allows it), and the write deadline ends a client that does not
	// read. A payload queued for many clients is held once, shared. 256 KiB,
	// as for the Nostr relay, holds two packets of the largest size or a
	// few hundred of Trystero's announcements, offers and answers (a few
	// hundred bytes to a few KiB, §7.3). It is raised to MaxPacketBytes
	// plus bookkeeping if lower, so that every packet can be delivered.
	DefaultMaxPendingBytes = 256 << 10

	// DefaultMaxTopicBytes and DefaultMaxTopicLevels bound a topic name or
	// filter. Trystero's topics are trystero/<app>/<room>[/<peer>] (§7.3):
	// four levels of short names. Matching cost grows with levels.
	DefaultMaxTopicBytes  = 256
	DefaultMaxTopicLevels = 8

	// DefaultMaxSubscriptions bounds one client's subscriptions. Trystero
	// subscribes to two topics per connection (§7.3).
	DefaultMaxSubscriptions = 16

	// DefaultPublishesPerSecond and DefaultPublishBurst rate-limit one
	// client's PUBLISH packets; publishes over the limit are dropped.
	// Trystero publishes an announcement every few seconds plus its offers
	// and answers (§7.3).
	DefaultPublishesPerSecond = 20
	DefaultPublishBurst       = 200

	// DefaultConnectTimeout closes a connection that has not sent CONNECT.
	// MQTT.js sends it as soon as the socket opens.
	DefaultConnectTimeout = 15 * time.Second

	// DefaultIdleTimeout closes a connection that sent no packet for this
	// long, whatever keepalive it asked for (keepalive 0 included). MQTT.js
	// pings every 60 s by default.
	DefaultIdleTimeout = 5 * time.Minute

	// DefaultWriteTimeout bounds one write to a client; mochi sets none
	// without a keepalive.
	DefaultWriteTimeout = 10 * time.Second
)

// Config configures a Server. The zero value gives the documented defaults;
// each field's zero means its Default constant.
//
// Sessions are never persistent: every client is treated as clean (MQTT 3
// clean=false and MQTT 5 session expiry are ignored), since a kept session
// holds subscriptions and messages for a client that is gone. Retained
// messages, will messages and $SYS topics are not available either, and
// every message is delivered at QoS 0, as Trystero sends them (§7.3): each
// would hold memory outside a client's queue (retained and will messages
// until a deadline of the client's choosing, QoS 1 and 2 until
// acknowledged).
type Config struct {
	MaxClients         int
	MaxPacketBytes     int
	MaxPendingBytes    int
	MaxTopicBytes      int
	MaxTopicLevels     int
	MaxSubscriptions   int
	PublishesPerSecond float64
	PublishBurst       int
	ConnectTimeout     time.Duration
	IdleTimeout        time.Duration
	WriteTimeout       time.Duration
	// OriginPatterns restricts the Origin of browser clients (see
	// websocket.AcceptOptions). Nil accepts every origin: brokers are public
	// and pages connect from anywhere.
	OriginPatterns []string
	// Logger receives the broker's logs; nil means slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxClients, DefaultMaxClients)
	def(&c.MaxPacketBytes, DefaultMaxPacketBytes)
	def(&c.MaxPendingBytes, DefaultMaxPendingBytes)
	c.MaxPendingBytes = max(c.MaxPendingBytes, c.MaxPacketBytes+entryBytes)
	def(&c.MaxTopicBytes, DefaultMaxTopicBytes)
	def(&c.MaxTopicLevels, DefaultMaxTopicLevels)
	def(&c.MaxSubscriptions, DefaultMaxSubscriptions)
	def(&c.PublishBurst, DefaultPublishBurst)
	if c.PublishesPerSecond <= 0 {
		c.PublishesPerSecond = DefaultPublishesPerSecond
	}
	defDur(&c.ConnectTimeout, DefaultConnectTimeout)
	defDur(&c.IdleTimeout, DefaultIdleTimeout)
	defDur(&c.WriteTimeout, DefaultWriteTimeout)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
