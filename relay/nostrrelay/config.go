package nostrrelay

import (
	"log/slog"
	"time"
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
	// DefaultMaxStored bounds the stored (non-ephemeral) events.
	DefaultMaxStored = 10000
	// DefaultMaxLimit caps a filter's limit, and is the limit of a filter
	// without one.
	DefaultMaxLimit = 500
	// DefaultSendQueue is how many outgoing messages may wait for one slow
	// client before the relay drops it.
	DefaultSendQueue = 1024
	// DefaultWriteTimeout bounds one write to a client.
	DefaultWriteTimeout = 10 * time.Second
)

// Config configures a Server. The zero value gives the defaults above.
type Config struct {
	MaxMessageBytes  int64
	MaxSubscriptions int
	MaxFilters       int
	MaxStored        int
	MaxLimit         int
	SendQueue        int
	WriteTimeout     time.Duration
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
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	def(&c.MaxSubscriptions, DefaultMaxSubscriptions)
	def(&c.MaxFilters, DefaultMaxFilters)
	def(&c.MaxStored, DefaultMaxStored)
	def(&c.MaxLimit, DefaultMaxLimit)
	def(&c.SendQueue, DefaultSendQueue)
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
