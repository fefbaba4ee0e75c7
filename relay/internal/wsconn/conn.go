// Package wsconn is the per-connection machinery the relay's WebSocket
// services share: one write loop fed by a queue capped in bytes, a deadline
// on every write, a deadline for the first message and an idle timeout on
// reads, WebSocket pings, and a per-connection rate limit (x/time/rate).
//
// An idle connection costs one goroutine, its reader: the write loop runs
// only while the queue holds messages, pings run from a timer.
//
// A message is queued as segments that are written back to back as one
// WebSocket message, so a payload sent to many connections (a Nostr event, a
// forwarded offer) is held once in memory and referenced by every queue; each
// queue is still charged its full length.
package wsconn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
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

// Conn wraps one accepted WebSocket. Create it with New, read with Read
// from one goroutine, Send from any, and Close when the reader is done.
type Conn struct {
	ws  *websocket.Conn
	ctx context.Context // the server's: its end closes the connection with 1012
	lim Limits
	rl  *rate.Limiter

	mu      sync.Mutex
	queue   [][][]byte
	queued  int
	writing bool           // a write loop is running
	tasks   sync.WaitGroup // write loop and pings; added to under mu while alive
	ping    *time.Timer
	unwatch func() bool // stops the shutdown watch

	once    sync.Once
	dead    chan struct{}
	gotMsg  bool          // read goroutine only
	handled chan struct{} // Handle's signal, read goroutine only
}

// New wraps ws with lim. When ctx (the server's lifetime) ends, the
// connection is closed with StatusServiceRestart so clients reconnect.
func New(ctx context.Context, ws *websocket.Conn, lim Limits) *Conn {
	if lim.Counters == nil {
		lim.Counters = new(Counters)
	}
	c := &Conn{
		ws:      ws,
		ctx:     ctx,
		lim:     lim,
		rl:      rate.NewLimiter(lim.Rate, lim.Burst),
		dead:    make(chan struct{}),
		handled: make(chan struct{}),
	}
	c.mu.Lock()
	c.ping = time.AfterFunc(lim.PingInterval, c.pingOnce)
	c.unwatch = context.AfterFunc(ctx, func() { c.kill(websocket.StatusServiceRestart, "relay restarting, reconnect") })
	c.mu.Unlock()
	return c
}

// alive reports, under c.mu, whether the connection is still open.
func (c *Conn) alive() bool {
	select {
	case <-c.dead:
		return false
	default:
		return true
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
	if !c.alive() {
		c.mu.Unlock()
		return false
	}
	if c.queued+n > c.lim.QueueBytes {
		c.mu.Unlock()
		c.lim.Counters.QueueDrops.Add(1)
		c.drop()
		return false
	}
	c.queue = append(c.queue, segs)
	c.queued += n
	if !c.writing {
		c.writing = true
		c.tasks.Add(1)
		go c.writeLoop()
	}
	c.mu.Unlock()
	return true
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

// kill closes the connection once with code and reason, without blocking.
func (c *Conn) kill(code websocket.StatusCode, reason string) {
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
		c.ping.Stop()
		c.unwatch()
		c.mu.Unlock()
		closeWS()
	})
}

// Close closes the connection normally (unless it is already closing) and
// waits for its write loop and pings to end. Call it once Read has failed.
func (c *Conn) Close() {
	c.kill(websocket.StatusNormalClosure, "")
	c.tasks.Wait()
}

// Read returns the next message. The first must arrive within
// Limits.FirstMessage, each later one within Limits.Idle of the previous;
// past that deadline the connection is closed and Read fails. Read is not
// tied to the server's lifetime: at shutdown the connection is closed with
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
	b, err := c.readMessage(ctx)
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

// readBufs holds buffers for reading messages of unknown length. Read
// returns an exact copy, the message's only allocation: websocket.Conn.Read
// (io.ReadAll) grows its result from 512 bytes, allocating about twice the
// message and keeping up to twice its size in the result's capacity.
var readBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledRead bounds the buffers readBufs keeps. It covers the services'
// message caps (256 KiB at most by default), so that large messages, sent
// mostly by abusive clients, do not regrow a buffer each time; the pool
// holds about one buffer per concurrent reader and empties itself over two
// collections when they are not used.
const maxPooledRead = 256 << 10

// readMessage reads the next data message whole.
func (c *Conn) readMessage(ctx context.Context) ([]byte, error) {
	_, r, err := c.ws.Reader(ctx)
	if err != nil {
		return nil, err
	}
	buf := readBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledRead {
			buf.Reset()
			readBufs.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// Handle runs f, the handling of a message, on a goroutine of its own and
// waits for it to return. The read goroutine parks in Read for the
// connection's whole life, and Go never shrinks a parked stack to less than
// four times what it uses: checking a Nostr event's signature on it would
// leave every socket that ever did so with a 16 KB stack instead of 8 KB.
// f's goroutine takes that depth and gives its stack back when f returns.
// A panic in f is raised again in the caller, with f's stack in its value,
// where the relay's handler recovers it as it did when f ran there. Call
// Handle from the read goroutine only.
func (c *Conn) Handle(f func()) {
	var p any
	go func() {
		defer func() {
			if r := recover(); r != nil {
				p = fmt.Sprintf("%v\n\nhandler goroutine: %s", r, debug.Stack())
			}
			c.handled <- struct{}{}
		}()
		f()
	}()
	<-c.handled
	if p != nil {
		panic(p)
	}
}

// pingOnce runs from the ping timer: it pings, drops the connection if no
// pong comes within WriteTimeout, and rearms the timer.
func (c *Conn) pingOnce() {
	c.mu.Lock()
	if !c.alive() {
		c.mu.Unlock()
		return
	}
	c.tasks.Add(1)
	c.mu.Unlock()
	defer c.tasks.Done()
	pctx, cancel := context.WithTimeout(c.ctx, c.lim.WriteTimeout)
	defer cancel()
	if err := c.ws.Ping(pctx); err != nil {
		if c.ctx.Err() == nil {
			c.lim.Counters.WriteFailures.Add(1)
			c.drop()
		}
		return
	}
	c.mu.Lock()
	if c.alive() {
		c.ping.Reset(c.lim.PingInterval)
	}
	c.mu.Unlock()
}

// writeLoop writes queued messages until the queue is empty, then ends; Send
// starts a new one for the next message.
func (c *Conn) writeLoop() {
	defer c.tasks.Done()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 || !c.alive() {
			c.writing = false
			c.mu.Unlock()
			return
		}
		segs := c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		c.mu.Unlock()
		n, err := c.write(segs)
		c.mu.Lock()
		c.queued = max(c.queued-n, 0) // Kill may have emptied the queue meanwhile
		c.mu.Unlock()
		if err != nil {
			if c.ctx.Err() == nil {
				c.lim.Counters.WriteFailures.Add(1)
				c.drop()
			}
			c.mu.Lock()
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.lim.Counters.MessagesOut.Add(1)
		c.lim.Counters.BytesOut.Add(int64(n))
	}
}

func (c *Conn) write(segs [][]byte) (int, error) {
	wctx, cancel := context.WithTimeout(c.ctx, c.lim.WriteTimeout)
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
