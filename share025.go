package posthorn

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/v025/frame"
	"github.com/posthorn/posthorn/media"
)

// SharedIdleTimeout is how long a 0.25 connection that no room uses any
// more stays open before it is closed, as in Trystero (protocol-0.25 §7): a
// room of the same app that meets the peer again meanwhile reuses it.
const SharedIdleTimeout = 123333 * time.Millisecond

// Bounds on what a remote can make a shared connection keep
// (protocol-0.25 §7; JS keeps both without limit):
//   - maxPendingFrameBytes: room frames for tokens no local room has bound
//     yet, oldest dropped first;
//   - maxRemoteTokens: the tokens of rooms the remote said it is in.
const (
	maxPendingFrameBytes = 1 << 20
	maxRemoteTokens      = 1024
)

// sharedIdle is SharedIdleTimeout, shortened by tests (export_test.go and
// roomlink.SetSharedIdle).
var sharedIdle = struct {
	sync.Mutex
	d time.Duration
}{d: SharedIdleTimeout}

func idleTimeout() time.Duration {
	sharedIdle.Lock()
	defer sharedIdle.Unlock()
	return sharedIdle.d
}

// setIdleTimeout sets the idle period and returns a function restoring the
// previous one.
func setIdleTimeout(d time.Duration) (restore func()) {
	sharedIdle.Lock()
	old := sharedIdle.d
	sharedIdle.d = d
	sharedIdle.Unlock()
	return func() { setIdleTimeout(old) }
}

// appKey names the 0.25 rooms that share connections: one local peer id
// and one appId.
type appKey struct{ self, app string }

// linkKey names one shared connection.
type linkKey struct {
	appKey
	remote string
}

// registry holds the process's live shared 0.25 connections and 0.25
// rooms, whatever strategy instance joined them (Trystero keeps them
// module-wide).
type registry struct {
	mu    sync.Mutex
	links map[linkKey]*sharedConn
	rooms map[appKey]map[string]*Room // by room token
}

var shared = registry{links: map[linkKey]*sharedConn{}, rooms: map[appKey]map[string]*Room{}}

// sharedConn is one shared 0.25 connection to a remote peer: the rooms bound to
// it, each through a conn of its own, and the frames kept for rooms not
// bound yet.
type sharedConn struct {
	key linkKey
	p   *peer.Peer
	log *slog.Logger

	mu           sync.Mutex
	closed       bool
	bound        []*conn // in the order bound; the first is the control room (§7)
	pending      []pendingFrame
	pendingBytes int
	remote       map[string]bool // tokens the remote said it is in
	idle         *time.Timer
	// heard is set by the first message that arrives. A 0.25 peer sends
	// presence frames as soon as a connection is up (§7), so a connection
	// still silent when its last room unbinds does not carry data: it is
	// closed then, not kept idle (see unbind). Atomic, so that the
	// receive path does not lock for it.
	heard atomic.Bool
}

// pendingFrame is a room frame's chunk kept for a room not bound yet.
type pendingFrame struct {
	token string
	chunk []byte
}

// liveLink returns the open shared connection for k, or nil.
func (g *registry) liveLink(k linkKey) *sharedConn {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.links[k]
}

// appLinks returns the open shared connections of a.
func (g *registry) appLinks(a appKey) []*sharedConn {
	g.mu.Lock()
	defer g.mu.Unlock()
	var ls []*sharedConn
	for k, l := range g.links {
		if k.appKey == a {
			ls = append(ls, l)
		}
	}
	return ls
}

// appRooms returns the 0.25 rooms of a.
func (g *registry) appRooms(a appKey) []*Room {
	g.mu.Lock()
	defer g.mu.Unlock()
	var rs []*Room
	for _, r := range g.rooms[a] {
		rs = append(rs, r)
	}
	return rs
}

// room returns the local room of a with token, or nil.
func (g *registry) room(a appKey, token string) *Room {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rooms[a][token]
}

// addRoom registers r; it reports false if a room with the same token is
// registered already (the same room joined twice under one peer id).
func (g *registry) addRoom(r *Room) bool {
	a := r.v025.app
	g.mu.Lock()
	defer g.mu.Unlock()
	m := g.rooms[a]
	if m == nil {
		m = map[string]*Room{}
		g.rooms[a] = m
	}
	if m[r.v025.token] != nil {
		return false
	}
	m[r.v025.token] = r
	return true
}

// removeRoom forgets r.
func (g *registry) removeRoom(r *Room) {
	a := r.v025.app
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.rooms[a][r.v025.token] == r {
		delete(g.rooms[a], r.v025.token)
		if len(g.rooms[a]) == 0 {
			delete(g.rooms, a)
		}
	}
}

// adopt makes p the shared connection for k, unless one is live already:
// then it returns that one and false, and the caller closes p.
func (g *registry) adopt(k linkKey, p *peer.Peer, log *slog.Logger) (*sharedConn, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if l := g.links[k]; l != nil {
		return l, false
	}
	l := &sharedConn{key: k, p: p, log: log, remote: map[string]bool{}}
	g.links[k] = l
	return l, true
}

// forget drops l from the registry.
func (g *registry) forget(l *sharedConn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.links[l.key] == l {
		delete(g.links, l.key)
	}
}

// start takes over p's callbacks for a new shared connection.
func (l *sharedConn) start() {
	l.p.OnClose(l.onClose)
	l.p.OnSignal(l.onSignal)
	l.p.OnStream(func(s *media.Stream) {
		for _, c := range l.conns() {
			c.room.gotStream(c, s)
		}
	})
	l.p.OnTrack(func(t *media.Track, s *media.Stream) {
		for _, c := range l.conns() {
			c.room.gotTrack(c, t, s)
		}
	})
	l.p.OnData(l.onData)
}

// conns returns the bound rooms' connections.
func (l *sharedConn) conns() []*conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*conn(nil), l.bound...)
}

// bindingLocked returns the conn bound for token, or nil.
func (l *sharedConn) bindingLocked(token string) *conn {
	for _, c := range l.bound {
		if c.room.v025.token == token {
			return c
		}
	}
	return nil
}

// presence sends a presence frame for token; failures are logged.
func (l *sharedConn) presence(token string, present bool) {
	b, err := frame.AppendPresence(nil, token, present)
	if err != nil {
		return
	}
	l.mu.Lock()
	closed := l.closed
	l.mu.Unlock()
	if closed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), leaveFlush)
	defer cancel()
	if err := l.p.Send(ctx, b); err != nil {
		l.log.Debug("room: presence frame not sent", "peer", l.key.remote, "err", err)
	}
}

// bind binds r to l, unless it is bound already or l closed: r gets a conn
// of its own on l's peer and starts its handshake (§9), and the frames
// kept for r's token are handed to it. It reports whether r was bound.
func (l *sharedConn) bind(r *Room) bool {
	c := newConn(r, l.key.remote, l.p)
	c.link = l
	l.mu.Lock()
	if l.closed || l.bindingLocked(r.v025.token) != nil {
		l.mu.Unlock()
		c.cancel()
		return false
	}
	if l.idle != nil {
		l.idle.Stop()
		l.idle = nil
	}
	l.bound = append(l.bound, c)
	c.flushing = true
	l.mu.Unlock()
	if !r.admit(c) {
		l.unbind(c)
		return false
	}
	l.mu.Lock()
	closed := l.closed
	l.mu.Unlock()
	if closed {
		// The connection closed while c was being admitted: onClose may
		// have missed it.
		r.connClosed(c, nil)
		return false
	}
	l.flush(c)
	return true
}

// flush hands c the frames kept for its token, and those that arrive while
// it does, in order; then c takes frames directly (onData).
func (l *sharedConn) flush(c *conn) {
	tok := c.room.v025.token
	for {
		l.mu.Lock()
		var mine [][]byte
		kept := l.pending[:0]
		for _, f := range l.pending {
			if f.token == tok {
				mine = append(mine, f.chunk)
				l.pendingBytes -= len(f.chunk)
			} else {
				kept = append(kept, f)
			}
		}
		clear(l.pending[len(kept):])
		l.pending = kept
		if len(mine) == 0 {
			c.flushing = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		for _, b := range mine {
			c.room.handleData(c, b)
		}
	}
}

// unbind removes c's room from l; the last room leaving starts the idle
// timer (§7). It reports whether it closed l because nothing ever arrived
// on it.
func (l *sharedConn) unbind(c *conn) (silent bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, x := range l.bound {
		if x == c {
			l.bound = append(l.bound[:i:i], l.bound[i+1:]...)
			break
		}
	}
	if len(l.bound) > 0 || l.closed || l.idle != nil {
		return false
	}
	if !l.heard.Load() {
		// Nothing ever arrived: the remote's frames are lost (seen with
		// Chromium answering a pion offer, whose first sends can fail),
		// and no room will do better on this connection. Closing it lets
		// both sides meet again through signalling.
		l.log.Debug("room: closing a shared connection that delivered nothing", "peer", l.key.remote)
		go l.p.Close()
		return true
	}
	l.idle = time.AfterFunc(idleTimeout(), func() {
		l.mu.Lock()
		idle := len(l.bound) == 0 && !l.closed
		l.mu.Unlock()
		if idle {
			l.log.Debug("room: closing an idle shared connection", "peer", l.key.remote)
			_ = l.p.Close()
		}
	})
	return false
}

// onData demultiplexes one message of the shared connection (§7).
func (l *sharedConn) onData(b []byte) {
	if !l.heard.Load() {
		l.heard.Store(true)
	}
	f, err := frame.Parse(b)
	if err != nil {
		l.log.Debug("room: dropped malformed frame", "peer", l.key.remote, "err", err)
		return
	}
	if f.Type == frame.TypePresence {
		l.gotPresence(f.Token, f.Present)
		return
	}
	l.mu.Lock()
	c := l.bindingLocked(f.Token)
	if c == nil || c.flushing {
		l.keepLocked(f.Token, f.Chunk)
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	c.room.handleData(c, f.Chunk)
}

// keepLocked keeps a copy of a chunk for token until a room binds it,
// within maxPendingFrameBytes, dropping the oldest.
func (l *sharedConn) keepLocked(token string, chunk []byte) {
	if len(chunk) > maxPendingFrameBytes {
		l.log.Warn("room: dropped a frame too large to keep for a room not bound", "peer", l.key.remote, "bytes", len(chunk))
		return
	}
	dropped := 0
	for l.pendingBytes+len(chunk) > maxPendingFrameBytes && len(l.pending) > 0 {
		l.pendingBytes -= len(l.pending[0].chunk)
		l.pending[0] = pendingFrame{}
		l.pending = l.pending[1:]
		dropped++
	}
	if dropped > 0 {
		l.log.Warn("room: dropped the oldest frames kept for rooms not bound", "peer", l.key.remote, "frames", dropped)
	}
	l.pending = append(l.pending, pendingFrame{token: token, chunk: append([]byte(nil), chunk...)})
	l.pendingBytes += len(chunk)
}

// gotPresence records that the remote joined or left the room of token; a
// local room of that token is bound at once (present) or loses the peer
// (absent).
func (l *sharedConn) gotPresence(token string, present bool) {
	l.mu.Lock()
	if present && !l.remote[token] && len(l.remote) >= maxRemoteTokens {
		l.mu.Unlock()
		l.log.Warn("room: ignoring presence in too many rooms", "peer", l.key.remote, "limit", maxRemoteTokens)
		return
	}
	if present {
		l.remote[token] = true
	} else {
		delete(l.remote, token)
	}
	c := l.bindingLocked(token)
	l.mu.Unlock()
	switch {
	case present && c == nil:
		if r := shared.room(l.key.appKey, token); r != nil {
			l.bind(r)
		}
	case !present && c != nil:
		c.room.release(c)
	}
}

// remotePresent reports whether the remote said it is in the room of token.
func (l *sharedConn) remotePresent(token string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.remote[token]
}

// onSignal sends a local signal of the shared connection through its
// control room, the first bound (§7); with no room bound it is dropped.
func (l *sharedConn) onSignal(s peer.Signal) {
	l.mu.Lock()
	var c *conn
	if len(l.bound) > 0 {
		c = l.bound[0]
	}
	l.mu.Unlock()
	if c == nil {
		l.log.Debug("room: dropped a signal of a shared connection no room uses", "peer", l.key.remote, "type", s.Type)
		return
	}
	c.room.sendSignal(c, s)
}

// onClose ends every binding of the closed connection.
func (l *sharedConn) onClose(err error) {
	shared.forget(l)
	l.mu.Lock()
	l.closed = true
	if l.idle != nil {
		l.idle.Stop()
	}
	bound := l.bound
	l.bound = nil
	l.pending, l.pendingBytes = nil, 0
	l.mu.Unlock()
	for _, c := range bound {
		c.room.connClosed(c, err)
	}
}
