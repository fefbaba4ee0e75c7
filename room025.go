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
// completed, and leaving is announced with @_leave.
//
// Connections are shared (share025.go): the process keeps one connection
// per (self id, appId, remote peer id), a link, whatever strategy instance
// made it, and every 0.25 room of that app binds to it with a conn of its
// own that holds the room's handshake and reassembly state. The link
// demultiplexes room frames by token to the bound room, keeps frames for a
// token no room has bound yet (bounded in bytes, oldest dropped), and sends
// the connection's renegotiation signals through the first room bound. A
// room binds to a link when the strategy finds the peer and a live link
// exists (roomlink.Bind: no offer, no answer), when the remote's presence
// frame names the room, when the room joins and the remote said it is in
// it, or when the room's own attempt connected (addPeer; a second
// connection to a peer we share one with is closed). Presence frames go to
// every link of the app when a room joins or leaves, and for every room of
// the app on a new link. @_leave, an absent presence frame, a failed
// handshake and Leave unbind one room only; a link with no room bound is
// closed after SharedIdleTimeout.

// leaveFlush bounds how long Leave waits for @_leave to be handed to a
// peer's channel; leaveLinger is how long it then lets the messages leave
// before unbinding from the connections (JS unbinds the room 99 ms after sending
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
	app                     appKey // the rooms this one shares connections with
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
		app:         appKey{o.SelfID, o.AppID},
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

// join025 registers a new 0.25 room with the rooms of its app: it binds to
// the shared connections whose remote said it is in the room, and tells
// every shared connection of the app that we are (§7).
func (r *Room) join025() {
	v := r.v025
	if !shared.addRoom(r) {
		r.log.Warn("room: joined twice under one peer id; this copy shares no connection the other uses", "room", v.roomID)
	}
	for _, l := range shared.appLinks(v.app) {
		if l.remotePresent(v.token) {
			l.bind(r)
		}
		l.presence(v.token, true)
	}
}

// addPeer025 takes a connection that a 0.25 room's attempt made: the new
// shared connection to id, bound to r, which tells the remote every room of
// the app we are in; or, if one is live already, p is closed and r binds
// to that one (§7: never two connections to one peer).
func (r *Room) addPeer025(id string, p *peer.Peer) {
	if r.isLeft() {
		_ = p.Close()
		return
	}
	l, fresh := shared.adopt(linkKey{r.v025.app, id}, p, r.log)
	if !fresh {
		r.log.Debug("room: closing a second connection to a peer we share one with", "peer", id)
		_ = p.Close()
		l.bind(r)
		return
	}
	l.bind(r)
	l.start()
	for _, x := range shared.appRooms(r.v025.app) {
		l.presence(x.v025.token, true)
	}
}

// bindShared binds r to the live shared connection to id, if there is one
// (roomlink.Bind). A room being left binds nothing but reports true all
// the same: it must not offer or answer either, though its session still
// hears the relay while @_leave lingers (leaveLinger).
func (r *Room) bindShared(id string) bool {
	if r.v025 == nil {
		return false
	}
	if r.isLeft() {
		return true
	}
	l := shared.liveLink(linkKey{r.v025.app, id})
	if l == nil {
		return false
	}
	l.bind(r)
	return true
}

// admit starts the session handshake of c, r's new binding to a shared
// connection (§9). The connection is registered (and onPeerJoin fires) once
// the handshake completes; a handshake that fails, times out or is cut
// short by the peer is reported to OnJoinError and r unbinds. It reports
// false when r was left.
func (r *Room) admit(c *conn) bool {
	v := r.v025
	c.hs = handshake.New(handshake.Params{SelfID: r.selfID, PeerID: c.id,
		AppID: v.appID, RoomID: v.roomID, Password: v.password})
	r.mu.Lock()
	if r.left {
		r.mu.Unlock()
		c.cancel()
		return false
	}
	v.pending[c] = true
	c.hsTimer = time.AfterFunc(v.timeout, func() {
		r.refuse(c, handshakeTimeout(v.timeout))
	})
	r.mu.Unlock()
	sends, err := c.hs.Start()
	if err != nil {
		r.refuse(c, err)
		return true
	}
	r.sendHandshake(c, sends)
	return true
}

// handshakeTimeout is the error of a handshake that did not complete
// within its duration: ErrHandshake, and context.DeadlineExceeded.
type handshakeTimeout time.Duration

func (d handshakeTimeout) Error() string {
	return fmt.Sprintf("%v within %v", ErrHandshake, time.Duration(d))
}

func (d handshakeTimeout) Is(target error) bool {
	return target == ErrHandshake || target == context.DeadlineExceeded
}

// connClosed ends c's binding when its shared connection closed; err is
// why (nil: closed by either side).
func (r *Room) connClosed(c *conn, err error) {
	if r.unpend(c) {
		c.cancel()
		c.reasm.Reset()
		r.joinError(c, fmt.Errorf("%w: the connection closed first", ErrHandshake))
		return
	}
	r.exitConn(c, err)
}

// release unbinds r from c's shared connection because the peer left the
// room (@_leave, an absent presence frame): a peer that had joined leaves.
func (r *Room) release(c *conn) {
	if r.unpend(c) {
		c.cancel()
		c.reasm.Reset()
	} else {
		r.exitConn(c, nil)
	}
	_ = c.close()
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
	// c is bound to a shared connection (admit runs from sharedConn.bind).
	if !c.link.unbind(c) || r.onLost == nil {
		return
	}
	// The connection closed because the peer's frames never arrived
	// (share025.go): its first sends can be lost, and it may well still
	// be in the room. The strategy looks for it again, as for a peer
	// whose connection failed, instead of waiting for the next periodic
	// announcement.
	r.log.Info("room: peer sent nothing, looking for it again", "peer", c.id)
	r.onLost(c.id)
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
	// Our own handshake messages leave before the peer joins: a message
	// sent from onPeerJoin must not overtake our @_hsready, or the remote,
	// for which we are not active yet, drops it (§8). Sends from the
	// control queue and from actions take different paths to the channel.
	c.flushControl()
	r.register(c)
}

// gotLeave handles @_leave: the peer left the room (§10). Only this room
// unbinds; the connection may serve others.
func (r *Room) gotLeave(_ Message, c *conn) {
	c.saidLeave.Store(true)
	r.release(c)
}

// sayLeave sends @_leave on every connection in parallel, each bounded by
// leaveFlush, then lingers leaveLinger so that they leave before the room
// unbinds.
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
