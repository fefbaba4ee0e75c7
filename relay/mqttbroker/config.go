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

	// DefaultMaxPendingWrites is how many outgoing packets may queue for one
	// slow client; further messages to it are dropped (mochi's behaviour).
	// mochi copies each payload per subscriber and counts packets, not
	// bytes, so one client's queue holds at most MaxPendingWrites ×
	// MaxPacketBytes (2 MiB by default), plus the packet being written.
	DefaultMaxPendingWrites = 16

	// DefaultMaxInflight bounds stored QoS 1/2 messages per client. Trystero
	// only uses QoS 0 (§7.3), so few are expected.
	DefaultMaxInflight = 16

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
// messages are not available either.
type Config struct {
	MaxClients         int
	MaxPacketBytes     int
	MaxPendingWrites   int
	MaxInflight        int
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
	def(&c.MaxPendingWrites, DefaultMaxPendingWrites)
	def(&c.MaxInflight, DefaultMaxInflight)
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
