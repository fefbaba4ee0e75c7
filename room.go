package posthorn

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/lazyattrs"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/profile"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/v025/reqres"
	"github.com/posthorn/posthorn/media"
	"github.com/posthorn/posthorn/transfer"
)

// Room is one joined namespace: the equivalent of the object joinRoom
// returns in Trystero 0.18 (room.js).
type Room struct {
	selfID  string
	prof    profile.Profile
	limits  transfer.Limits
	budget  *chunk.Budget // Limits.MaxRoomBytes, shared by every connection's reassembler
	log     *slog.Logger
	onLeave func()
	onLost  func(id string) // roomlink.Options.OnPeerLost

	// internal actions (protocol-0.18 §6)
	ping, pong, signal, streamMeta, trackMeta *Action
	// and 0.25's (protocol-0.25 §10); nil under 0.18
	hsData, hsReady, leaveMsg, response *Action

	done chan struct{} // closed at the end of the first Leave

	mu      sync.Mutex
	left    bool
	peers   map[string]*remote
	actions map[string]*Action
	pongs   map[string][]chan error // ping waiters per peer, oldest first
	// requests are the pending requests by request id (request.go).
	requests map[string]*waiter
	// one slot per peer per kind, not a queue (protocol-0.18 §4.6)
	streamMetas, trackMetas map[string][]byte

	onPeerJoin, onPeerLeave func(id string)
	onPeerStream            func(s *media.Stream, id string, meta json.RawMessage)
	onPeerTrack             func(t *media.Track, s *media.Stream, id string, meta json.RawMessage)

	// v025 is the 0.25 profile's state (room025.go); nil under 0.18.
	v025 *room025
}

// remote is one remote peer id with its live connections (protocol-0.18 §4.5).
type remote struct {
	id     string
	conns  []*conn // live connections, in the order they were added
	active *conn   // where this peer's data last arrived; sends go here
	// joined is set once onPeerJoin has returned; a leave that happens
	// earlier is deferred (leavePending) so that join always precedes leave.
	joined, leavePending bool
	// unseen: the peer joined while no onPeerJoin was set; the first one
	// set is called for it (OnPeerJoin).
	unseen bool
}

func init() {
	roomlink.NewRoom = func(o roomlink.Options) any { return newRoom(o) }
	roomlink.AddPeer = func(r any, id string, p *peer.Peer) { r.(*Room).addPeer(id, p) }
	roomlink.HasPeer = func(r any, id string) bool { return r.(*Room).hasPeer(id) }
	roomlink.Bind = func(r any, id string) bool { return r.(*Room).bindShared(id) }
	roomlink.SetSharedIdle = setIdleTimeout
}

// newRoom returns an empty Room.
func newRoom(opts roomlink.Options) *Room {
	r := &Room{
		selfID:      opts.SelfID,
		prof:        profile.V018,
		limits:      opts.Limits.WithDefaults(),
		log:         opts.Logger,
		onLeave:     opts.OnLeave,
		onLost:      opts.OnPeerLost,
		done:        make(chan struct{}),
		peers:       map[string]*remote{},
		actions:     map[string]*Action{},
		pongs:       map[string][]chan error{},
		requests:    map[string]*waiter{},
		streamMetas: map[string][]byte{},
		trackMetas:  map[string][]byte{},
	}
	if opts.Profile != nil {
		r.prof = *opts.Profile
	}
	if r.prof.HandshakeReady != "" {
		r.v025 = newRoom025(opts)
	}
	r.budget = chunk.NewBudget(r.limits.MaxRoomBytes)
	if r.log == nil {
		r.log = slog.Default()
	}
	r.log = lazyattrs.With(r.log, slog.String("self", r.selfID))
	if r.v025 != nil {
		defer r.join025()
	}
	r.ping = r.internalAction(r.prof.Ping, r.gotPing)
	r.pong = r.internalAction(r.prof.Pong, r.gotPong)
	r.signal = r.internalAction(r.prof.Signal, r.gotSignal)
	r.streamMeta = r.internalAction(r.prof.Stream, func(m transfer.Message, c *conn) {
		r.setMetaSlot(r.streamMetas, c.id, m)
	})
	r.trackMeta = r.internalAction(r.prof.Track, func(m transfer.Message, c *conn) {
		r.setMetaSlot(r.trackMetas, c.id, m)
	})
	if r.v025 != nil {
		r.streamMeta.internal = r.gotStreamMeta025
		r.trackMeta.internal = r.gotTrackMeta025
		r.internalAction(r.prof.HandshakeData, r.gotHandshakeData)
		r.hsReady = r.internalAction(r.prof.HandshakeReady, r.gotHandshakeReady)
		r.hsData = r.actions[r.prof.HandshakeData]
		r.leaveMsg = r.internalAction(r.prof.Leave, r.gotLeave)
		r.response = r.internalAction(r.prof.Response, r.gotResponse)
	}
	return r
}

// addPeer registers a peer connection that has connected (protocol-0.18 §4.4);
// strategies call it from the peer's OnConnect. The first connection of an
// id fires onPeerJoin; a further connection of the same id is kept as a
// duplicate (see the package documentation and §4.5). The Room takes over
// p's OnSignal, OnData, OnClose and media callbacks. Adding a peer to a Room
// that has been left closes p. Under the 0.25 profile the connection
// becomes a shared one (or is closed if one is live already) and the
// peer is registered only once the session handshake completed (room025.go).
func (r *Room) addPeer(id string, p *peer.Peer) {
	if r.v025 != nil {
		r.addPeer025(id, p)
		return
	}
	c := newConn(r, id, p)
	if !r.register(c) {
		return
	}
	// Set last: this replays the peer's early data (§4.4), after onPeerJoin
	// like room.js does.
	p.OnData(func(b []byte) { r.handleData(c, b) })
}

// register adds c to its peer's connections, fires onPeerJoin for a first
// one and hooks c's signals, closing and media. It reports false, having
// closed c, when the Room was left or (0.25) c is no longer pending.
func (r *Room) register(c *conn) bool {
	id, p := c.id, c.p
	r.mu.Lock()
	if r.left || (c.hs != nil && !r.v025.pending[c]) {
		r.mu.Unlock()
		c.cancel()
		_ = c.close()
		return false
	}
	if c.hs != nil {
		delete(r.v025.pending, c)
	}
	rem := r.peers[id]
	first := rem == nil
	if first {
		rem = &remote{id: id, active: c}
		r.peers[id] = rem
	}
	rem.conns = append(rem.conns, c)
	join := r.onPeerJoin
	r.mu.Unlock()

	if c.link == nil {
		// Later signals (renegotiation, late candidates) go over the
		// channel on the connection they belong to (§4.3); under 0.25 the
		// shared connection routes them (share025.go).
		p.OnSignal(func(s peer.Signal) { r.sendSignal(c, s) })
		p.OnClose(func(err error) { r.exitConn(c, err) })
		r.hookMedia(c)
	}

	if first {
		if join != nil {
			join(id)
		}
		r.mu.Lock()
		rem.joined = true
		rem.unseen = join == nil
		leave := rem.leavePending
		leaveCB := r.onPeerLeave
		r.mu.Unlock()
		if leave && leaveCB != nil {
			leaveCB(id)
		}
	} else {
		r.log.Debug("room: duplicate connection kept; probing which one the peer uses", "peer", id)
		r.probe(id)
	}
	return true
}

// exitConn forgets a closed connection; err is why it closed (nil: closed
// by either side). When it was the peer's last one, the peer leaves:
// pending pings fail, metadata slots are cleared and onPeerLeave fires; if
// the connection failed, the strategy is told to look for the peer again.
// The connection's partial transmissions are dropped.
func (r *Room) exitConn(c *conn, err error) {
	c.cancel()
	c.reasm.Reset() // §5.6: the partial transmissions are discarded
	r.mu.Lock()
	rem := r.peers[c.id]
	if rem == nil || !rem.remove(c) {
		r.mu.Unlock()
		return
	}
	var orphans []*conn
	if len(rem.conns) > 0 {
		if rem.heard() {
			r.mu.Unlock()
			return
		}
		// §4.5: the peer's data never arrived on the connections left. A
		// JS peer uses only the one it registered, and that one just
		// closed: the peer has left, and the rest are its dead duplicates.
		orphans, rem.conns = rem.conns, nil
	}
	delete(r.peers, c.id)
	waiters := r.pongs[c.id]
	delete(r.pongs, c.id)
	cause := ErrPeerLeft
	if c.saidLeave.Load() {
		cause = fmt.Errorf("%w: %w", ErrPeerLeft, reqres.ErrSaidLeave)
	}
	r.failRequests(c.id, cause)
	delete(r.streamMetas, c.id)
	delete(r.trackMetas, c.id)
	var leave func(string)
	if rem.joined {
		leave = r.onPeerLeave
	} else {
		rem.leavePending = true
	}
	r.mu.Unlock()
	for _, o := range orphans {
		r.log.Debug("room: closing a duplicate connection the peer never used", "peer", o.id)
		o.cancel()
		_ = o.p.Close()
	}
	for _, w := range waiters {
		w <- ErrPeerLeft
	}
	if leave != nil {
		leave(c.id)
	}
	if err != nil && r.onLost != nil {
		r.log.Info("room: peer unreachable, left", "peer", c.id, "err", err)
		r.onLost(c.id)
	}
}

// heard reports whether the peer's data arrived on any of its connections.
// The caller holds the Room's lock.
func (rem *remote) heard() bool {
	for _, c := range rem.conns {
		if c.heard {
			return true
		}
	}
	return false
}

// remove drops c from rem's connections, reporting whether it was there.
// The caller holds the Room's lock.
func (rem *remote) remove(c *conn) bool {
	for i, x := range rem.conns {
		if x == c {
			rem.conns = append(rem.conns[:i:i], rem.conns[i+1:]...)
			if rem.active == c {
				rem.active = nil
				if len(rem.conns) > 0 {
					rem.active = rem.conns[0]
				}
			}
			return true
		}
	}
	return false
}

// hasPeer reports whether a connection to id is registered.
func (r *Room) hasPeer(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peers[id] != nil
}

// OnPeerJoin sets the callback run when a peer joins; only the latest one
// registered is called. Peers that joined before any callback was set (a
// peer may connect as soon as JoinRoom returns) are reported to the first
// one set, once, if they are still there.
func (r *Room) OnPeerJoin(f func(id string)) {
	r.mu.Lock()
	r.onPeerJoin = f
	var missed []string
	if f != nil {
		for id, rem := range r.peers {
			if rem.unseen {
				rem.unseen = false
				missed = append(missed, id)
			}
		}
	}
	r.mu.Unlock()
	for _, id := range missed {
		f(id)
	}
}

// OnPeerLeave sets the callback run when a peer leaves (its last connection
// closed); only the latest one registered is called.
func (r *Room) OnPeerLeave(f func(id string)) {
	r.mu.Lock()
	r.onPeerLeave = f
	r.mu.Unlock()
}

// Leave closes every peer connection and calls Options.OnLeave, once.
// Under Protocol025 it says @_leave and unbinds instead: a connection that
// other rooms of the app share stays open (protocol-0.25 §7).
// onPeerLeave does not fire for the peers closed this way (like room.js).
// Later calls do nothing; later sends fail with ErrLeft.
func (r *Room) Leave() error {
	r.mu.Lock()
	if r.left {
		r.mu.Unlock()
		return nil
	}
	r.left = true
	var conns []*conn
	for _, rem := range r.peers {
		conns = append(conns, rem.conns...)
	}
	if r.v025 != nil {
		for c := range r.v025.pending {
			c.hsTimer.Stop()
			conns = append(conns, c)
		}
		clear(r.v025.pending)
	}
	pongs := r.pongs
	r.failRequests("", ErrLeft)
	r.peers = map[string]*remote{}
	r.pongs = map[string][]chan error{}
	r.mu.Unlock()

	if r.v025 != nil {
		shared.removeRoom(r)
		r.sayLeave(conns) // protocol-0.25 §10
	}

	for _, ws := range pongs {
		for _, w := range ws {
			w <- ErrLeft
		}
	}
	var errs []error
	for _, c := range conns {
		c.cancel()
		c.reasm.Reset()
		if err := c.close(); err != nil {
			errs = append(errs, err)
		}
	}
	if r.v025 != nil {
		for _, l := range shared.appLinks(r.v025.app) {
			l.presence(r.v025.token, false)
		}
	}
	if r.onLeave != nil {
		r.onLeave()
	}
	close(r.done)
	return errors.Join(errs...)
}

// Done is closed once the room has been left (by Leave, or by the strategy
// instance's Close) and its strategy has stopped finding peers for it.
func (r *Room) Done() <-chan struct{} { return r.done }

// target is one resolved send target.
type target struct {
	id string
	c  *conn
}

// targets resolves ids (nil = every peer) to connections. Unknown ids are
// skipped with a warning, as room.js does (one line per call).
func (r *Room) targets(ids []string) ([]target, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.left {
		return nil, ErrLeft
	}
	var ts []target
	if ids == nil {
		for id, rem := range r.peers {
			ts = append(ts, target{id, rem.active})
		}
		return ts, nil
	}
	seen := map[string]bool{}
	var unknown []string
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		rem := r.peers[id]
		if rem == nil {
			unknown = append(unknown, id)
			continue
		}
		ts = append(ts, target{id, rem.active})
	}
	if len(unknown) > 0 {
		// one line per call, however long the list
		r.log.Warn("room: skipping targets that are not connected", "count", len(unknown), "first", unknown[0])
	}
	return ts, nil
}

// markActive reports whether c is still registered and makes it the
// connection its peer's sends go to (§4.5: send where the peer's data last
// arrived). It also returns the action registered as name, if any.
func (r *Room) markActive(c *conn, name string) (*Action, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rem := r.peers[c.id]
	if rem == nil {
		return nil, false
	}
	if rem.active != c {
		if !slices.Contains(rem.conns, c) {
			return nil, false
		}
		rem.active = c
	}
	c.heard = true
	return r.actions[name], true
}

func (r *Room) isLeft() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.left
}
