package posthorn

import (
	"errors"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/transfer"
)

// handleData processes one data-channel message of connection c (protocol-0.18
// §5.4). Bad chunks, unregistered types and reassembly limit errors are
// logged and dropped; the connection carries on.
func (r *Room) handleData(c *conn, b []byte) {
	ch, err := r.prof.Framing.Parse(b)
	if err != nil {
		r.log.Warn("room: dropped malformed chunk", "peer", c.id, "err", err)
		return
	}
	a, live := r.markActive(c, ch.Type)
	if !live {
		return // the connection was closed or the Room left meanwhile
	}
	if a == nil {
		// §5.4 step 2: JS throws here and the chunk is lost; so is it here.
		r.log.Warn("room: dropped chunk of an action this room has not made", "peer", c.id, "action", ch.Type)
		return
	}
	msg, prog, err := c.reasm.Push(ch)
	if err != nil {
		if errors.Is(err, chunk.ErrDiscarded) {
			r.log.Debug("room: dropped chunk", "peer", c.id, "err", err)
		} else {
			r.log.Warn("room: dropped transmission", "peer", c.id, "err", err)
		}
		return
	}
	onReceive, onProgress := a.handlers()
	// §5.4 step 4: progress for every chunk, before the message.
	if onProgress != nil {
		onProgress(prog.Fraction(), c.id, prog.Meta)
	}
	if msg == nil {
		return
	}
	if a.internal != nil {
		a.internal(*msg, c)
		return
	}
	if onReceive != nil {
		onReceive(*msg, c.id)
	}
}

// sendInternal queues one message of an internal action on connection c,
// in order with the connection's other internal messages.
func (r *Room) sendInternal(c *conn, a *Action, kind transfer.Kind, data []byte) {
	tx, err := a.nonces.Encode(r.prof.Framing, a.name, kind, data, nil)
	if err != nil {
		r.log.Error("room: internal message not encodable", "action", a.name, "err", err)
		return
	}
	chunks := make([][]byte, tx.Len())
	for i := range chunks {
		chunks[i] = tx.AppendChunk(nil, i)
	}
	c.enqueue(chunks)
}

// sendSignal forwards a signal the peer emitted after connecting over the
// data channel (protocol-0.18 §4.3, §6).
func (r *Room) sendSignal(c *conn, s peer.Signal) {
	b, err := s.MarshalJSON()
	if err != nil {
		r.log.Error("room: signal not encodable", "peer", c.id, "err", err)
		return
	}
	r.sendInternal(c, r.signal, transfer.KindJSON, b)
}

// gotSignal feeds a signal received over the channel to the connection it
// arrived on (room.js feeds it to the peer's registered connection, which is
// the only one a JS peer sends on).
func (r *Room) gotSignal(m Message, c *conn) {
	s, err := peer.ParseSignal(m.Data)
	if err != nil {
		r.log.Warn("room: bad signal from peer", "peer", c.id, "err", err)
		return
	}
	if err := c.p.Signal(s); err != nil {
		r.log.Warn("room: signal rejected", "peer", c.id, "err", err)
	}
}

// gotPing answers a ping with a pong, always (protocol-0.18 §6, §10 item 6).
func (r *Room) gotPing(_ Message, c *conn) {
	r.sendInternal(c, r.pong, transfer.KindString, nil)
}

// gotPong resolves the oldest pending ping to that peer, unless it answers
// one of our duplicate probes (a connection's pongs come in order).
func (r *Room) gotPong(_ Message, c *conn) {
	r.mu.Lock()
	if c.probes > 0 {
		c.probes--
		r.mu.Unlock()
		return
	}
	ws := r.pongs[c.id]
	var w chan error
	if len(ws) > 0 {
		w = ws[0]
		r.pongs[c.id] = ws[1:]
		if len(ws) == 1 {
			delete(r.pongs, c.id)
		}
	}
	r.mu.Unlock()
	if w != nil {
		w <- nil
	}
}

// setMetaSlot remembers stream or track metadata for the peer's next media
// event, replacing any earlier one (protocol-0.18 §4.6).
func (r *Room) setMetaSlot(slot map[string][]byte, id string, m Message) {
	r.mu.Lock()
	if r.peers[id] != nil {
		slot[id] = m.Data
	}
	r.mu.Unlock()
}
