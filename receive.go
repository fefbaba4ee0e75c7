package posthorn

import (
	"errors"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/transfer"
)

// handleData processes one data-channel message of connection c (protocol-0.18
// §5.4); under 0.25, the chunk of one room frame (the shared connection
// unframes them, share025.go). Bad chunks, unregistered types and bad transmissions are dropped
// and logged (rate-limited per connection); the connection carries on. A
// peer over its receive budget is disconnected (drop).
func (r *Room) handleData(c *conn, b []byte) {
	if c.ctx.Err() != nil {
		return // closed or dropped: what it still delivers is ignored
	}
	ch, err := r.prof.Framing.Parse(b)
	if err != nil {
		c.complain(r.log, "room: dropped malformed chunk", "err", err)
		return
	}
	var a *Action
	var live bool
	if c.hs != nil && !c.hs.Active() {
		// 0.25: before the handshake completed only its own actions and
		// @_leave get through (protocol-0.25 §8, §9).
		if a, live = r.preActive(c, ch.Type); live && a == nil {
			r.log.Debug("room: dropped a chunk from a peer that has not completed the handshake", "peer", c.id, "action", ch.Type)
			return
		}
	} else {
		a, live = r.markActive(c, ch.Type)
	}
	if !live {
		return // the connection was closed or the Room left meanwhile
	}
	if a == nil {
		// §5.4 step 2: JS throws here and the chunk is lost; so is it here.
		c.complain(r.log, "room: dropped chunk of an action this room has not made", "action", ch.Type)
		return
	}
	msg, prog, err := r.push(c, ch)
	if err != nil {
		switch {
		case errors.Is(err, chunk.ErrDiscarded):
			// the rest of a transmission whose drop was reported
		case errors.Is(err, chunk.ErrTooManyPending), errors.Is(err, chunk.ErrOverBudget),
			errors.Is(err, chunk.ErrRoomBudget):
			r.drop(c, err)
		default:
			c.complain(r.log, "room: dropped transmission", "err", err)
		}
		return
	}
	onReceive, onProgress := a.handlers()
	// §5.4 step 4: progress for every chunk, before the message.
	if onProgress != nil {
		meta := prog.Meta
		if a.isRequest {
			meta = userMeta(meta)
		}
		onProgress(prog.Fraction(), c.id, meta)
	}
	if msg == nil {
		return
	}
	if a.internal != nil {
		a.internal(*msg, c)
		return
	}
	if a.isRequest {
		r.gotRequest(a, *msg, c)
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
	tx = r.fit(tx, c)
	chunks := make([][]byte, tx.Len())
	for i := range chunks {
		chunks[i] = r.appendChunk(nil, tx, i)
	}
	c.enqueue(chunks)
}

// sendSignal forwards a signal the peer emitted after connecting over the
// data channel (protocol-0.18 §4.3, §6).
func (r *Room) sendSignal(c *conn, s peer.Signal) {
	if r.v025 != nil {
		b, ok := marshalSignal025(s)
		if !ok {
			r.log.Debug("room: dropped a signal that 0.25 has no counterpart for", "peer", c.id, "type", s.Type)
			return
		}
		r.sendInternal(c, r.signal, transfer.KindJSON, b)
		return
	}
	b, err := s.MarshalJSON()
	if err != nil {
		r.log.Error("room: signal not encodable", "peer", c.id, "err", err)
		return
	}
	r.sendInternal(c, r.signal, transfer.KindJSON, b)
}

// push feeds ch to c's reassembler. When the room's budget is full and
// another connection holds more than c, that one is dropped to make room
// and ch is pushed again; otherwise the error is c's.
func (r *Room) push(c *conn, ch chunk.Chunk) (*transfer.Message, chunk.Progress, error) {
	msg, prog, err := c.reasm.Push(ch)
	if !errors.Is(err, chunk.ErrRoomBudget) {
		return msg, prog, err
	}
	if big := r.largestHolder(); big != nil && big != c && big.reasm.Buffered() > c.reasm.Buffered() {
		r.drop(big, err)
		return c.reasm.Push(ch)
	}
	return nil, chunk.Progress{}, err
}

// gotSignal feeds a signal received over the channel to the connection it
// arrived on (room.js feeds it to the peer's registered connection, which is
// the only one a JS peer sends on).
func (r *Room) gotSignal(m Message, c *conn) {
	parse := peer.ParseSignal
	if r.v025 != nil {
		parse = signal025
	}
	s, err := parse(m.Data)
	if err != nil {
		c.complain(r.log, "room: bad signal from peer", "err", err)
		return
	}
	if s.Candidate != nil {
		c.candidates++
	}
	if s.TransceiverRequest != nil {
		c.transceivers++
	}
	if c.candidates > maxSignalCandidates || c.transceivers > maxTransceiverRequests {
		r.drop(c, errSignalFlood)
		return
	}
	if err := c.p.Signal(s); err != nil {
		c.complain(r.log, "room: signal rejected", "err", err)
	}
}

// gotPing answers a ping with a pong (protocol-0.18 §6, §10 item 6), at once
// inside the data callback when it can (conn.sendNow), unless maxQueuedPongs
// wait on a stalled channel already.
func (r *Room) gotPing(_ Message, c *conn) {
	if b := r.emptyChunk(r.pong); b != nil {
		c.sendNow(b, true)
	}
}

// emptyChunk encodes a message of internal action a with no data, which is
// one chunk (a ping or a pong, protocol-0.18 §6), or returns nil, logged, if
// it cannot.
func (r *Room) emptyChunk(a *Action) []byte {
	tx, err := a.nonces.Encode(r.prof.Framing, a.name, transfer.KindString, nil, nil)
	if err != nil {
		r.log.Error("room: internal message not encodable", "action", a.name, "err", err)
		return nil
	}
	return r.appendChunk(nil, tx, 0)
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
