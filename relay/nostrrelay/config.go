package nostrrelay

import (
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"github.com/posthorn/posthorn/relay/internal/wsconn"
)

// Defaults. Each says why.
const (
	// DefaultMaxMessageBytes bounds one incoming message. A Trystero event
	// carries one non-trickle SDP (a few KiB; more when encrypted, protocol-0.18
	// §3, §7.2) escaped twice, so 128 KiB is ample.
	DefaultMaxMessageBytes = 128 << 10
	// DefaultMaxSubscriptions bounds subscriptions per connection. Trystero
	// holds two per room on a shared socket (§7.2).
	DefaultMaxSubscriptions = 128
	// DefaultMaxFilters bounds the filters of one REQ (Trystero sends one).
	DefaultMaxFilters = 16
	// DefaultMaxFilterValues bounds each list of a filter (ids, authors,
	// kinds, each #tag). Trystero's lists have one element (§7.2); long
	// lists cost memory and slow every event's match.
	DefaultMaxFilterValues = 64
	// DefaultMaxStored and DefaultMaxStoredBytes bound the store of regular
	// (non-ephemeral) events, oldest dropped first. Trystero's events are
	// ephemeral (kind 29333, §7.2) and never stored; the store only serves
	// ordinary clients, so it is small.
	DefaultMaxStored      = 1000
	DefaultMaxStoredBytes = 4 << 20
	// DefaultMaxLimit caps a filter's limit, and is the limit of a filter
	// without one.
	DefaultMaxLimit = 500
	// DefaultMessagesPerSecond and DefaultMessageBurst rate-limit one
	// connection. Trystero sends two REQs and one announcement per room,
	// then one offer per newcomer and one answer per offer (§7.2): a burst
	// when joining a busy room, little after.
	DefaultMessagesPerSecond = 20
	DefaultMessageBurst      = 200
	// DefaultSendQueueBytes caps the bytes waiting to be written to one
	// client; a client whose queue would exceed it is disconnected. Events
	// queued for many clients are held once (shared), so this bounds what a
	// client that does not read can make the relay hold for it.
	DefaultSendQueueBytes = 256 << 10
	// DefaultWriteTimeout bounds one write to a client and one ping.
	DefaultWriteTimeout = 10 * time.Second
	// DefaultFirstMessageTimeout closes a socket that sends nothing after the
	// upgrade; Trystero subscribes as soon as its socket opens (§7.2).
	DefaultFirstMessageTimeout = 15 * time.Second
	// DefaultIdleTimeout is zero: a socket that answers pings is never
	// closed for being quiet. Trystero's nostr sockets announce once and
	// never reconnect (§7.2), so closing a quiet one would cut its room off.
	DefaultIdleTimeout = 0
	// DefaultPingInterval is how often the relay pings each client.
	DefaultPingInterval = 30 * time.Second
)

// Config configures a Server. The zero value gives the defaults above; each
// field's zero means its Default constant. IdleTimeout, when positive,
// closes sockets that sent nothing for that long.
type Config struct {
	MaxMessageBytes     int64
	MaxSubscriptions    int
	MaxFilters          int
	MaxFilterValues     int
	MaxStored           int
	MaxStoredBytes      int
	MaxLimit            int
	MessagesPerSecond   float64
	MessageBurst        int
	SendQueueBytes      int
	WriteTimeout        time.Duration
	FirstMessageTimeout time.Duration
	IdleTimeout         time.Duration
	PingInterval        time.Duration
	// OriginPatterns restricts browser origins (coder/websocket syntax);
	// nil accepts every origin, which a public signalling relay wants.
	OriginPatterns []string
	// Logger; nil means slog.Default().
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
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MessagesPerSecond <= 0 {
		c.MessagesPerSecond = DefaultMessagesPerSecond
	}
	def(&c.MaxSubscriptions, DefaultMaxSubscriptions)
	def(&c.MaxFilters, DefaultMaxFilters)
	def(&c.MaxFilterValues, DefaultMaxFilterValues)
	def(&c.MaxStored, DefaultMaxStored)
	def(&c.MaxStoredBytes, DefaultMaxStoredBytes)
	def(&c.MaxLimit, DefaultMaxLimit)
	def(&c.MessageBurst, DefaultMessageBurst)
	def(&c.SendQueueBytes, DefaultSendQueueBytes)
	defDur(&c.WriteTimeout, DefaultWriteTimeout)
	defDur(&c.FirstMessageTimeout, DefaultFirstMessageTimeout)
	defDur(&c.PingInterval, DefaultPingInterval)
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
