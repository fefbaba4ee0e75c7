package posthorn

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/v025/frame"
	"github.com/posthorn/posthorn/internal/v025/handshake"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
	"github.com/posthorn/posthorn/transfer"
)

// What a room under the 0.25 profile adds to the room layer
// (docs/protocol-0.25.md §7, §9, §10): every chunk travels in a room frame
// labelled with the room token, a connected peer joins only once the
// session handshake (password challenge, then @_hsready both ways)
// completed, and leaving is announced with @_leave. Each connection serves
// one room: connections shared by the rooms of an app (§7) are not
// implemented, and presence frames are ignored.

// leaveFlush bounds how long Leave waits for @_leave to be handed to a
// peer's channel; leaveLinger is how long it then lets the messages leave
// before closing the connections (JS unbinds the room 99 ms after sending
// @_leave, §10).
const (
	leaveFlush  = time.Second
	leaveLinger = 99 * time.Millisecond
)

// room025 is the 0.25 profile's state of a Room.
type room025 struct {
	token string
	head  []byte // a room frame's header: 01 ‖ u16 len(token) ‖ token (§7)

	appID, roomID, password string
	timeout                 time.Duration
	onJoinError             func(peerID string, err error)

	// pending holds the connections whose handshake has not completed;
	// guarded by the Room's lock.
	pending map[*conn]bool

	// mediaSalt keys the @_stream/@_track keys of local media (mediaKey).
	mediaSalt [32]byte
}

func newRoom025(o roomlink.Options) *room025 {
	v := &room025{
		token:       frame.Token(o.AppID, o.RoomID),
		appID:       o.AppID,
		roomID:      o.RoomID,
		password:    o.Password,
		timeout:     o.HandshakeTimeout,
		onJoinError: o.OnJoinError,
		pending:     map[*conn]bool{},
	}
	if v.timeout <= 0 {
		v.timeout = handshake.Timeout
	}
	_, _ = rand.Read(v.mediaSalt[:]) // never fails (crypto/rand)
	// The token is 64 hex characters: framing it cannot fail.
	v.head, _ = frame.AppendRoom(nil, v.token, nil)
	return v
}

// appendChunk appends chunk i of tx to dst, in a room frame under 0.25.
func (r *Room) appendChunk(dst []byte, tx *chunk.Transmission, i int) []byte {
	if r.v025 != nil {
		dst = append(dst, r.v025.head...)
	}
	return tx.AppendChunk(dst, i)
}

// unframe takes the chunk out of a 0.25 data-channel message (§7). Frames
// of other rooms, presence frames and anything else are dropped: each
// connection serves this room only.
func (r *Room) unframe(c *conn, b []byte) ([]byte, bool) {
	f, err := frame.Parse(b)
	switch {
	case err != nil:
		c.complain(r.log, "room: dropped malformed frame", "err", err)
		return nil, false
	case f.Type == frame.TypePresence:
		r.log.Debug("room: presence frame ignored", "peer", c.id, "present", f.Present)
		return nil, false
	case f.Token != r.v025.token:
		c.complain(r.log, "room: dropped a frame of another room")
		return nil, false
	}
	return f.Chunk, true
}

// admit starts the session handshake on a new 0.25 connection (§9). The
// connection is registered (and onPeerJoin fires) once the handshake
// completes; a handshake that fails, times out or is cut short by the peer
// is reported to OnJoinError and its connection closed.
func (r *Room) admit(c *conn) {
	v := r.v025
	c.hs = handshake.New(handshake.Params{SelfID: r.selfID, PeerID: c.id,
		AppID: v.appID, RoomID: v.roomID, Password: v.password})
	r.mu.Lock()
	if r.left {
		r.mu.Unlock()
		c.cancel()
		_ = c.p.Close()
		return
	}
	v.pending[c] = true
	c.hsTimer = time.AfterFunc(v.timeout, func() {
		r.refuse(c, fmt.Errorf("%w within %v", ErrHandshake, v.timeout))
	})
	r.mu.Unlock()
	c.p.OnClose(func(err error) {
		if r.unpend(c) {
			c.cancel()
			c.reasm.Reset()
			r.joinError(c, fmt.Errorf("%w: the connection closed first", ErrHandshake))
			return
		}
		r.exitConn(c, err)
	})
	sends, err := c.hs.Start()
	if err != nil {
		r.refuse(c, err)
		return
	}
	r.sendHandshake(c, sends)
	c.p.OnData(func(b []byte) { r.handleData(c, b) })
}

// unpend removes c from the pending connections, reporting whether it was
// there.
func (r *Room) unpend(c *conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.v025.pending[c] {
		return false
	}
	delete(r.v025.pending, c)
	c.hsTimer.Stop()
	return true
}

// refuse ends a pending connection's handshake with err: it is reported
// and the connection closed.
func (r *Room) refuse(c *conn, err error) {
	if !r.unpend(c) {
		return
	}
	c.cancel()
	c.reasm.Reset()
	r.joinError(c, err)
	_ = c.p.Close()
}

// joinError logs err (rate-limited per connection) and tells OnJoinError.
func (r *Room) joinError(c *conn, err error) {
	c.complain(r.log, "room: peer not admitted", "err", err)
	if f := r.v025.onJoinError; f != nil {
		f(c.id, err)
	}
}

// preActive returns, for a chunk from a connection whose handshake has not
// completed, the action to give it to: only @_hsdata, @_hsready and
// @_leave get through; other chunks are dropped, as JS drops them (§8).
// live is false when c is no longer pending.
func (r *Room) preActive(c *conn, name string) (a *Action, live bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.v025.pending[c] {
		return nil, false
	}
	switch name {
	case r.prof.HandshakeData, r.prof.HandshakeReady, r.prof.Leave:
		return r.actions[name], true
	}
	return nil, true
}

// sendHandshake queues the handshake's messages on c.
func (r *Room) sendHandshake(c *conn, sends []handshake.Send) {
	for _, s := range sends {
		a := r.hsReady
		if s.Action == handshake.ActionData {
			a = r.hsData
		}
		r.sendInternal(c, a, s.Kind, s.Data)
	}
}

// gotHandshakeData feeds @_hsdata to c's handshake; a wrong password
// refuses the peer with ErrWrongPassword.
func (r *Room) gotHandshakeData(m Message, c *conn) {
	sends, err := c.hs.Data(m.Data)
	if err != nil {
		r.refuse(c, fmt.Errorf("%w: %w", ErrWrongPassword, err))
		return
	}
	r.sendHandshake(c, sends)
	if c.hs.Active() {
		r.activate(c)
	}
}

// gotHandshakeReady records the peer's @_hsready.
func (r *Room) gotHandshakeReady(_ Message, c *conn) {
	if c.hs.Ready() {
		r.activate(c)
	}
}

// activate registers a pending connection whose handshake completed: the
// peer joins. It runs on c's data callback, so the peer's next chunks are
// taken only after onPeerJoin returned.
func (r *Room) activate(c *conn) {
	r.mu.Lock()
	pending := r.v025.pending[c]
	r.mu.Unlock()
	if !pending {
		return // registered already, or refused meanwhile
	}
	c.hsTimer.Stop()
	r.register(c)
}

// gotLeave handles @_leave: the peer left the room (§10). Its connection
// serves only this room here, so it is closed.
func (r *Room) gotLeave(_ Message, c *conn) {
	c.saidLeave.Store(true)
	if r.unpend(c) {
		c.cancel()
		c.reasm.Reset()
	} else {
		r.exitConn(c, nil)
	}
	_ = c.p.Close()
}

// sayLeave sends @_leave on every connection in parallel, each bounded by
// leaveFlush, then lingers leaveLinger so that they leave before the
// connections are closed.
func (r *Room) sayLeave(conns []*conn) {
	if len(conns) == 0 {
		return
	}
	tx, err := r.leaveMsg.nonces.Encode(r.prof.Framing, r.leaveMsg.name, transfer.KindString, nil, nil)
	if err != nil {
		r.log.Error("room: leave not encodable", "err", err)
		return
	}
	b := r.appendChunk(nil, tx, 0)
	ctx, cancel := context.WithTimeout(context.Background(), leaveFlush)
	defer cancel()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() { _ = c.p.Send(ctx, b) })
	}
	wg.Wait()
	time.Sleep(leaveLinger)
}

// signal025 reads an @_signal payload, {type, sdp} with a candidate's JSON
// as its sdp (§5), as the peer's signal.
func signal025(b []byte) (peer.Signal, error) {
	ws, err := v025wire.ParseSignal(b)
	if err != nil {
		return peer.Signal{}, err
	}
	if ws.Type != v025wire.SignalCandidate {
		return peer.Signal{Type: ws.Type, SDP: ws.SDP}, nil
	}
	ci, err := v025wire.ParseCandidate(ws.SDP)
	if err != nil {
		return peer.Signal{}, err
	}
	return peer.Signal{Type: peer.TypeCandidate, Candidate: &ci}, nil
}

// marshalSignal025 writes the peer's signal as an @_signal payload; 0.25
// has no renegotiation or transceiver requests (§5), so those give false.
func marshalSignal025(s peer.Signal) ([]byte, bool) {
	switch {
	case s.Candidate != nil:
		return v025wire.Signal{Type: v025wire.SignalCandidate, SDP: v025wire.EncodeCandidate(*s.Candidate)}.Marshal(), true
	case s.SDP != "" && (s.Type == peer.TypeOffer || s.Type == peer.TypeAnswer):
		return v025wire.Signal{Type: s.Type, SDP: s.SDP}.Marshal(), true
	}
	return nil, false
}
