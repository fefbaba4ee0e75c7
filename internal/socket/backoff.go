package socket

import (
	"math/rand/v2"
	"time"

	"github.com/posthorn/posthorn"
)

// DefaultReconnect is the relay sockets' reconnect policy: Trystero 0.18's
// first wait of 4 s (docs/protocol-0.18.md §7.1), doubling up to 2 min
// (Trystero has no cap, which leaves a page waiting hours after a long
// outage), each wait moved by up to ±25% so that many clients do not
// reconnect in step.
var DefaultReconnect = posthorn.ReconnectPolicy{Wait: 4 * time.Second, MaxWait: 2 * time.Minute, Jitter: 0.25}

// WithDefaults fills p's zero fields from defaults.
func WithDefaults(p, defaults posthorn.ReconnectPolicy) posthorn.ReconnectPolicy {
	if p.Wait <= 0 {
		p.Wait = defaults.Wait
	}
	if p.MaxWait <= 0 {
		p.MaxWait = defaults.MaxWait
	}
	if p.MaxWait < p.Wait {
		p.MaxWait = p.Wait
	}
	if p.Jitter == 0 {
		p.Jitter = defaults.Jitter
	}
	return p
}

// Backoff yields the waits of a ReconnectPolicy, whose fields must be set
// (WithDefaults). The zero Backoff of a policy starts at its Wait.
type Backoff struct {
	Policy posthorn.ReconnectPolicy
	next   time.Duration
}

// Next returns the wait before the next attempt and doubles the one after.
func (b *Backoff) Next() time.Duration {
	if b.next <= 0 {
		b.next = b.Policy.Wait
	}
	d := b.next
	b.next = min(2*b.next, b.Policy.MaxWait)
	if j := min(b.Policy.Jitter, 1); j > 0 {
		spread := time.Duration(float64(d) * j)
		d += time.Duration(rand.Int64N(int64(2*spread)+1)) - spread
	}
	return d
}

// Reset starts the waits again from the policy's Wait.
func (b *Backoff) Reset() { b.next = 0 }
