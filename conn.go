package posthorn

import (
	"context"
	"sync"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
)

// conn is one registered peer connection.
type conn struct {
	id string
	p  *peer.Peer
	// ctx is cancelled when the connection closes or the Room is left; it
	// stops sends that wait on the channel's backpressure.
	ctx    context.Context
	cancel context.CancelFunc
	// reasm holds this connection's partial transmissions; only the
	// connection's data callback touches it (callbacks run in order).
	reasm *chunk.Reassembler
	// heard is set once the peer's data arrived on this connection;
	// probes counts our duplicate probes (pings) not yet answered on it.
	// Both are guarded by the Room's lock (wire-0.18 §4.5).
	heard  bool
	probes int

	// queue is the ordered queue of internal chunks (signals, pongs) waiting
	// to be sent; a goroutine drains it while it is non-empty.
	qmu      sync.Mutex
	queue    [][]byte
	draining bool
}

func newConn(r *Room, id string, p *peer.Peer) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	return &conn{
		id:     id,
		p:      p,
		ctx:    ctx,
		cancel: cancel,
		reasm:  chunk.NewReassembler(r.prof.Framing, r.limits),
	}
}

// enqueue appends chunks to the control queue without blocking: the caller
// may be a pion callback or this connection's data callback, and blocking
// either on backpressure could deadlock two peers.
func (c *conn) enqueue(r *Room, chunks [][]byte) {
	c.qmu.Lock()
	c.queue = append(c.queue, chunks...)
	start := !c.draining
	c.draining = true
	c.qmu.Unlock()
	if start {
		go c.drain(r)
	}
}

func (c *conn) drain(r *Room) {
	for {
		c.qmu.Lock()
		if len(c.queue) == 0 || c.ctx.Err() != nil {
			c.queue = nil
			c.draining = false
			c.qmu.Unlock()
			return
		}
		b := c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		c.qmu.Unlock()
		if err := c.p.Send(c.ctx, b); err != nil && c.ctx.Err() == nil {
			r.log.Warn("room: internal send failed", "peer", c.id, "err", err)
		}
	}
}
