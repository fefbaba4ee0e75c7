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
	// SDP (protocol-0.18 §4.3, §7.3): a few KiB, more when encrypted (§3).
	DefaultMaxPacketBytes = 256 << 10

	// DefaultMaxPendingWrites is how many outgoing packets may queue for one
	// slow client; further messages to it are dropped (mochi's behaviour).
	DefaultMaxPendingWrites = 1024

	// DefaultMaxInflight bounds stored QoS 1/2 messages per client. Trystero
	// only uses QoS 0 (§7.3), so few are expected.
	DefaultMaxInflight = 64

	// DefaultSessionExpiry bounds how long a disconnected persistent session
	// (clean=false, or an MQTT 5 session expiry) is kept. Trystero uses clean
	// sessions (§7.3), so sessions are only kept for foreign clients.
	DefaultSessionExpiry = 5 * time.Minute
)

// Config configures a Server. The zero value gives the documented defaults.
type Config struct {
	// MaxClients bounds connected clients; zero means DefaultMaxClients.
	MaxClients int
	// MaxPacketBytes bounds one MQTT packet; zero means
	// DefaultMaxPacketBytes. A client sending a larger one is disconnected.
	MaxPacketBytes int
	// MaxPendingWrites bounds one client's outgoing queue; zero means
	// DefaultMaxPendingWrites.
	MaxPendingWrites int
	// MaxInflight bounds one client's unacknowledged QoS>0 messages; zero
	// means DefaultMaxInflight.
	MaxInflight int
	// SessionExpiry bounds how long a disconnected session is kept; zero
	// means DefaultSessionExpiry.
	SessionExpiry time.Duration
	// OriginPatterns restricts the Origin of browser clients (see
	// websocket.AcceptOptions). Nil accepts every origin: brokers are public
	// and pages connect from anywhere.
	OriginPatterns []string
	// Logger receives the broker's logs; nil means slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.MaxClients <= 0 {
		c.MaxClients = DefaultMaxClients
	}
	if c.MaxPacketBytes <= 0 {
		c.MaxPacketBytes = DefaultMaxPacketBytes
	}
	if c.MaxPendingWrites <= 0 {
		c.MaxPendingWrites = DefaultMaxPendingWrites
	}
	if c.MaxInflight <= 0 {
		c.MaxInflight = DefaultMaxInflight
	}
	if c.SessionExpiry <= 0 {
		c.SessionExpiry = DefaultSessionExpiry
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
