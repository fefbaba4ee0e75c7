package posthorn

import (
	"context"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/serial"
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
	// Both are guarded by the Room's lock (protocol-0.18 §4.5).
	heard  bool
	probes int

	// control sends internal chunks (signals, pongs) in order without
	// blocking the caller.
	control *serial.Queue[[]byte]
}

func newConn(r *Room, id string, p *peer.Peer) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{
		id:     id,
		p:      p,
		ctx:    ctx,
		cancel: cancel,
		reasm:  chunk.NewReassembler(r.prof.Framing, r.limits),
	}
	c.control = serial.New(func(b []byte) {
		if c.ctx.Err() != nil {
			return // closed: what is left is dropped
		}
		if err := c.p.Send(c.ctx, b); err != nil && c.ctx.Err() == nil {
			r.log.Warn("room: internal send failed", "peer", c.id, "err", err)
		}
	})
	return c
}

// enqueue queues chunks on the control queue without blocking: the caller
// may be a pion callback or this connection's data callback, and blocking
// either on backpressure could deadlock two peers.
func (c *conn) enqueue(chunks [][]byte) {
	for _, b := range chunks {
		c.control.Push(b)
	}
}
