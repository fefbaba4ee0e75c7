// Package wsconn is the per-connection machinery the relay's WebSocket
// services share: one write loop fed by a queue capped in bytes, a deadline
// on every write, a deadline for the first message and an idle timeout on
// reads, WebSocket pings, and a per-connection rate limit (x/time/rate).
//
// A message is queued as segments that are written back to back as one
// WebSocket message, so a payload sent to many connections (a Nostr event, a
// forwarded offer) is held once in memory and referenced by every queue; each
// queue is still charged its full length.
package wsconn

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"
)

// Limits bound one connection. Every field but Idle and Counters must be
// positive (each service fills in its documented defaults).
type Limits struct {
	// QueueBytes caps the bytes waiting to be written; a connection whose
	// queue would exceed it is closed (StatusPolicyViolation).
	QueueBytes int
	// WriteTimeout bounds one write.
	WriteTimeout time.Duration
	// FirstMessage is how long a new connection may take to send its first
	// message.
	FirstMessage time.Duration
	// Idle closes a connection that sent no message for this long; zero
	// means never (pings still find dead connections).
	Idle time.Duration
	// PingInterval is how often the server pings; a ping not answered within
	// WriteTimeout closes the connection.
	PingInterval time.Duration
	// Rate and Burst limit incoming messages (see Conn.Allow).
	Rate  rate.Limit
	Burst int
	// Counters, when not nil, receives the connection's traffic and drops;
	// one Counters is shared by every connection of a service.
	Counters *Counters
}

// Counters are a service's traffic and limit hits, updated atomically.
type Counters struct {
	MessagesIn, MessagesOut atomic.Int64
	BytesIn, BytesOut       atomic.Int64
	// QueueDrops counts connections dropped because their send queue was
	// full, WriteFailures those whose write or ping failed or timed out.
	QueueDrops, WriteFailures atomic.Int64
	// RateLimited counts messages refused by the rate limit, Timeouts
	// connections closed by the first-message or idle deadline.
	RateLimited, Timeouts atomic.Int64
	// Refused counts requests refused by a service's other limits (too many
	// subscriptions, swarms, peer ids; filters or topics too long).
	Refused atomic.Int64
}

// Totals is a snapshot of Counters, for metrics.
type Totals struct {
	MessagesIn, MessagesOut, BytesIn, BytesOut int64
	QueueDrops, WriteFailures                  int64
	RateLimited, Timeouts, Refused             int64
}

// Totals reads every counter.
func (c *Counters) Totals() Totals {
	return Totals{
		MessagesIn: c.MessagesIn.Load(), MessagesOut: c.MessagesOut.Load(),
		BytesIn: c.BytesIn.Load(), BytesOut: c.BytesOut.Load(),
		QueueDrops: c.QueueDrops.Load(), WriteFailures: c.WriteFailures.Load(),
		RateLimited: c.RateLimited.Load(), Timeouts: c.Timeouts.Load(), Refused: c.Refused.Load(),
	}
}

// Conn wraps one accepted WebSocket. Create it with New, start Run in a
// goroutine, read with Read from one goroutine, Send from any.
type Conn struct {
	ws  *websocket.Conn
	lim Limits
	rl  *rate.Limiter

	mu     sync.Mutex
	queue  [][][]byte
	queued int
	wake   chan struct{}

	once   sync.Once
	dead   chan struct{}
	gotMsg bool // read goroutine only
}

// New wraps ws with lim.
func New(ws *websocket.Conn, lim Limits) *Conn {
	if lim.Counters == nil {
		lim.Counters = new(Counters)
	}
	return &Conn{
		ws:   ws,
		lim:  lim,
		rl:   rate.NewLimiter(lim.Rate, lim.Burst),
		wake: make(chan struct{}, 1),
		dead: make(chan struct{}),
	}
}

// Send queues one message made of segs, written back to back; segs are not
// copied and must not be modified afterwards. It reports false when the
// connection is closed or its queue would exceed Limits.QueueBytes, in which
// case the connection is dropped.
func (c *Conn) Send(segs ...[]byte) bool {
	n := 0
	for _, s := range segs {
		n += len(s)
	}
	c.mu.Lock()
	select {
	case <-c.dead:
		c.mu.Unlock()
		return false
	default:
	}
	if c.queued+n > c.lim.QueueBytes {
		c.mu.Unlock()
		c.lim.Counters.QueueDrops.Add(1)
		c.drop()
		return false
	}
	c.queue = append(c.queue, segs)
	c.queued += n
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

// Queued returns the bytes waiting to be written.
func (c *Conn) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queued
}

// Allow takes one token from the connection's rate limiter.
func (c *Conn) Allow() bool {
	if c.rl.Allow() {
		return true
	}
	c.lim.Counters.RateLimited.Add(1)
	return false
}

// Dead is closed once the connection is being closed.
func (c *Conn) Dead() <-chan struct{} { return c.dead }

// Kill closes the connection once with code and reason, without blocking.
func (c *Conn) Kill(code websocket.StatusCode, reason string) {
	c.end(func() { go c.ws.Close(code, reason) })
}

// drop closes the connection at once, without a close handshake: for
// clients that do not read, which would hold it for the handshake's timeout.
func (c *Conn) drop() {
	c.end(func() { c.ws.CloseNow() })
}

func (c *Conn) end(closeWS func()) {
	c.once.Do(func() {
		c.mu.Lock()
		close(c.dead)
		c.queue, c.queued = nil, 0
		c.mu.Unlock()
		closeWS()
	})
}

// Read returns the next message. The first must arrive within
// Limits.FirstMessage, each later one within Limits.Idle of the previous;
// past that deadline the connection is closed and Read fails. Read is not
// tied to the server's lifetime: at shutdown Run closes the connection with
// a close handshake, which ends Read.
func (c *Conn) Read() ([]byte, error) {
	ctx, wait := context.Background(), c.lim.Idle
	if !c.gotMsg {
		wait = c.lim.FirstMessage
	}
	if wait > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, wait)
		defer cancel()
	}
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			c.lim.Counters.Timeouts.Add(1)
		}
		return nil, err
	}
	c.gotMsg = true
	c.lim.Counters.MessagesIn.Add(1)
	c.lim.Counters.BytesIn.Add(int64(len(b)))
	return b, nil
}

// Run writes queued messages and pings until the connection dies or ctx
// ends; when ctx ends it closes the connection with StatusServiceRestart so
// clients reconnect. It returns once its pings have ended too.
func (c *Conn) Run(ctx context.Context) {
	var pings sync.WaitGroup
	defer pings.Wait()
	tick := time.NewTicker(c.lim.PingInterval)
	defer tick.Stop()
	for {
		select {
		case <-c.dead:
			return
		case <-ctx.Done():
			c.Kill(websocket.StatusServiceRestart, "relay restarting, reconnect")
			return
		case <-tick.C:
			pings.Go(func() {
				pctx, cancel := context.WithTimeout(ctx, c.lim.WriteTimeout)
				defer cancel()
				if err := c.ws.Ping(pctx); err != nil && ctx.Err() == nil {
					c.lim.Counters.WriteFailures.Add(1)
					c.drop()
				}
			})
		case <-c.wake:
			if !c.flush(ctx) {
				if ctx.Err() != nil {
					c.Kill(websocket.StatusServiceRestart, "relay restarting, reconnect")
					return
				}
				c.lim.Counters.WriteFailures.Add(1)
				c.drop()
				return
			}
		}
	}
}

// flush writes every queued message; false on a failed write.
func (c *Conn) flush(ctx context.Context) bool {
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.mu.Unlock()
			return true
		}
		segs := c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		c.mu.Unlock()
		n, err := c.write(ctx, segs)
		if err == nil {
			c.lim.Counters.MessagesOut.Add(1)
			c.lim.Counters.BytesOut.Add(int64(n))
		}
		c.mu.Lock()
		c.queued -= n
		if c.queued < 0 { // Kill emptied the queue meanwhile
			c.queued = 0
		}
		c.mu.Unlock()
		if err != nil {
			return false
		}
	}
}

func (c *Conn) write(ctx context.Context, segs [][]byte) (int, error) {
	wctx, cancel := context.WithTimeout(ctx, c.lim.WriteTimeout)
	defer cancel()
	n := 0
	for _, s := range segs {
		n += len(s)
	}
	if len(segs) == 1 {
		return n, c.ws.Write(wctx, websocket.MessageText, segs[0])
	}
	w, err := c.ws.Writer(wctx, websocket.MessageText)
	if err != nil {
		return n, err
	}
	for _, s := range segs {
		if _, err := w.Write(s); err != nil {
			w.Close()
			return n, err
		}
	}
	return n, w.Close()
}
