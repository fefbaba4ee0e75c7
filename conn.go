package posthorn

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/serial"
	"github.com/posthorn/posthorn/internal/v025/handshake"
)

// maxQueuedPongs bounds the pongs waiting on one connection's control
// queue, 64 × 15 bytes: while the channel is stalled, a ping flood would
// otherwise queue a pong per ping. Pings beyond it get no pong; a ping is
// not data, and the pinger's later pings are answered once the channel
// moves again. (Pongs sent at once, sendNow, are bounded by the channel's
// high-water mark, like every send.)
const maxQueuedPongs = 64

// A connected peer's signals over the data channel (§4.3, §4.6) that cost
// state on our side are counted per connection: remote ICE candidates (pion
// keeps each and checks it) and transceiver requests (each adds a
// transceiver). A peer past either bound is dropped with errSignalFlood.
// Trystero sends a few candidates per negotiation, and only with trickle,
// and one transceiver request per track it adds.
const (
	maxSignalCandidates    = 1024
	maxTransceiverRequests = 64
)

var errSignalFlood = errors.New("posthorn: too many ICE candidates or transceiver requests over the data channel")

// conn is one registered peer connection.
type conn struct {
	id   string
	p    *peer.Peer
	room *Room
	// link is the shared connection this conn binds its room to under
	// 0.25 (share025.go), nil under 0.18; flushing, guarded by link.mu,
	// is set while the frames kept for the room are handed to it.
	link     *sharedConn
	flushing bool
	// ctx is cancelled when the connection closes, is dropped or the Room
	// is left; it stops sends that wait on the channel's backpressure, and
	// what the connection still delivers is ignored.
	ctx    context.Context
	cancel context.CancelFunc
	// reasm holds this connection's partial transmissions; only the
	// connection's data callback touches it (callbacks run in order), and a
	// drop (Room.drop) resets it.
	reasm *chunk.Reassembler
	// heard is set once the peer's data arrived on this connection;
	// probes counts our duplicate probes (pings) not yet answered on it.
	// Both are guarded by the Room's lock (protocol-0.18 §4.5).
	heard  bool
	probes int
	// candidates and transceivers count the peer's signals of those kinds;
	// only the data callback touches them.
	candidates, transceivers int

	// control sends internal chunks (signals, pongs) in order without
	// blocking the caller; pongs counts the pongs in it.
	control *serial.Queue[control]
	pongs   atomic.Int32

	// complaints limits the log lines about what the peer sends (malformed
	// chunks, unknown actions, bad signals): the first few, then one a
	// minute, so a remote cannot make the room log a line per chunk.
	complaints rate.Sometimes
	dropOnce   sync.Once

	// 0.25 only (room025.go): the session handshake, and the timer that
	// refuses the peer if it does not complete; nil under 0.18.
	hs      *handshake.Handshake
	hsTimer *time.Timer
	// media pairs the peer's @_stream/@_track messages with its media
	// (media025.go); nil under 0.18.
	media *media025
	// requests and requestBytes count the peer's requests held or being
	// handled on this connection (request_serve.go); guarded by the Room's
	// lock.
	requests     int
	requestBytes int64
	// saidLeave is set once the peer sent @_leave on this connection.
	saidLeave atomic.Bool
}

// control is one chunk on the control queue.
type control struct {
	b    []byte
	pong bool
	// done, if set, makes this item a barrier: it is closed once every
	// chunk queued before it has been handed to the channel (flushControl).
	done chan struct{}
}

func newConn(r *Room, id string, p *peer.Peer) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{
		id:         id,
		p:          p,
		room:       r,
		ctx:        ctx,
		cancel:     cancel,
		reasm:      chunk.NewReassembler(r.prof.Framing, r.limits),
		complaints: rate.Sometimes{First: 3, Interval: time.Minute},
	}
	c.reasm.Share(r.budget)
	if r.v025 != nil {
		c.media = newMedia025()
	}
	c.control = serial.New(func(m control) {
		if m.done != nil {
			close(m.done)
			return
		}
		if m.pong {
			defer c.pongs.Add(-1)
		}
		if c.ctx.Err() != nil {
			return // closed: what is left is dropped
		}
		if err := c.p.Send(c.ctx, m.b); err != nil && c.ctx.Err() == nil {
			r.log.Warn("room: internal send failed", "peer", c.id, "err", err)
		}
	})
	return c
}

// close closes the connection, or under 0.25 unbinds its room from the
// shared connection, which other rooms may still use.
func (c *conn) close() error {
	if c.link != nil {
		c.link.unbind(c)
		return nil
	}
	return c.p.Close()
}

// enqueue queues chunks on the control queue without blocking: the caller
// may be a pion callback or this connection's data callback, and blocking
// either on backpressure could deadlock two peers.
func (c *conn) enqueue(chunks [][]byte) {
	for _, b := range chunks {
		c.control.Push(control{b: b})
	}
}

// flushControl waits until every chunk queued on the control queue so far
// has been handed to the channel, or the connection closed. Only for
// callers that may block: not a pion callback, not a JS event.
func (c *conn) flushControl() {
	done := make(chan struct{})
	c.control.Push(control{done: done})
	select {
	case <-done:
	case <-c.ctx.Done():
	}
}

// enqueuePong queues a pong unless maxQueuedPongs are waiting already.
func (c *conn) enqueuePong(b []byte) {
	if c.pongs.Add(1) > maxQueuedPongs {
		c.pongs.Add(-1)
		return
	}
	c.control.Push(control{b: b, pong: true})
}

// sendNow sends one internal chunk at once, inside the caller, when nothing
// waits on the control queue and the channel takes it without waiting
// (peer.TrySend); otherwise it queues the chunk as enqueue or, for a pong,
// enqueuePong does, so it never overtakes a chunk queued before it. Pings
// and pongs take it (protocol-0.18 §6): in the browser build a round trip
// then costs no goroutine hand-off for either send. It never blocks. A
// failed attempt is queued too: the queue's Send meets the error again and
// reports it.
func (c *conn) sendNow(b []byte, pong bool) {
	if c.ctx.Err() != nil {
		return
	}
	if c.control.Idle() {
		if sent, _ := c.p.TrySend(b); sent {
			return
		}
	}
	if pong {
		c.enqueuePong(b)
		return
	}
	c.control.Push(control{b: b})
}

// complain logs a problem with what the peer sent, rate-limited per
// connection (see complaints).
func (c *conn) complain(log *slog.Logger, msg string, args ...any) {
	c.complaints.Do(func() { log.Warn(msg, append([]any{"peer", c.id}, args...)...) })
}
