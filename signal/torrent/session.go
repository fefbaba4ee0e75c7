package torrent

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/signal"
)

// session is one joined room's matchmaking state (the closure of Trystero's
// joinRoom in torrent.js).
type session struct {
	s        *Strategy
	cfg      signal.Config
	log      *slog.Logger
	infoHash string
	key      *crypt.CBC // nil without a password
	room     *posthorn.Room
	sockets  []*socket.Socket
	forget   func()
	done     chan struct{} // closed on leave

	mu        sync.Mutex
	left      bool
	every     time.Duration // current announce period
	timer     *time.Timer
	round     int      // announce round; a new pool each round
	pool      []*offer // the current round's offers, in creation order
	handled   map[string]bool
	connected map[string]int // live connections per remote peer id
	attempts  map[*peer.Peer]*attempt
	// opens counts each socket's (re)connections as seen by onOpen; sentTo
	// holds the connection number that got the current round, so a round is
	// sent once per connection.
	opens, sentTo map[*socket.Socket]int
}

// attempt is one peer connection this session created that has not closed.
type attempt struct {
	p          *peer.Peer
	initiator  bool
	offer      *offer // initiators: the pool entry
	remote     string // set once known (offer received, answer received)
	answerSent bool   // non-initiators: the answer left for the tracker
	connected  bool
}

func (s *Strategy) join(cfg signal.Config, roomID string, forget func()) *session {
	log := cfg.Logger
	if log == nil {
		log = s.log
	}
	ss := &session{
		s:         s,
		cfg:       cfg,
		infoHash:  InfoHash(cfg.AppID, roomID),
		forget:    forget,
		done:      make(chan struct{}),
		every:     s.announce,
		handled:   map[string]bool{},
		connected: map[string]int{},
		attempts:  map[*peer.Peer]*attempt{},
		opens:     map[*socket.Socket]int{},
		sentTo:    map[*socket.Socket]int{},
	}
	ss.log = log.With("strategy", "torrent", "room", roomID, "info_hash", ss.infoHash, "self", s.selfID)
	if cfg.Password != "" {
		ss.key = crypt.NewCBC(cfg.Password, roomID)
	}
	ss.room = posthorn.New(posthorn.Options{SelfID: s.selfID, Logger: log, OnLeave: ss.leave})

	for _, url := range cfg.Relays(DefaultRelayURLs, DefaultRedundancy) {
		sock := s.pool.Get(url)
		ss.sockets = append(ss.sockets, sock)
		sock.OnMessage(ss.infoHash, func(b []byte) { ss.onMessage(sock, b) })
	}
	ss.mu.Lock()
	ss.timer = time.AfterFunc(ss.every, ss.tick)
	ss.mu.Unlock()
	ss.announceAll()
	for _, sock := range ss.sockets {
		sock.OnOpen(ss.infoHash, func() { ss.onOpen(sock) })
	}
	return ss
}

// tick is the announce timer (setInterval(announceAll, announceSecs)).
func (ss *session) tick() {
	ss.mu.Lock()
	if ss.left {
		ss.mu.Unlock()
		return
	}
	ss.timer.Reset(ss.every)
	ss.mu.Unlock()
	ss.announceAll()
}

// adoptInterval applies a tracker's interval: only values above the current
// period and at most the cap are taken, so the period only grows
// (wire-0.18 §7.1).
func (ss *session) adoptInterval(secs float64) {
	d := time.Duration(secs * float64(time.Second))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.left || d <= ss.every || d > ss.s.maxAnnounce {
		return
	}
	ss.every = d
	ss.timer.Reset(d) // clearInterval + setInterval: the next one is d from now
	ss.log.Debug("torrent: announce interval adopted", "interval", d)
}

// leave is the room's OnLeave: stop announcing, drop listeners and destroy
// every connection attempt that did not connect. No "stopped" event is sent
// (wire-0.18 §7.1).
func (ss *session) leave() {
	ss.mu.Lock()
	if ss.left {
		ss.mu.Unlock()
		return
	}
	ss.left = true
	close(ss.done)
	ss.timer.Stop()
	var dead []*peer.Peer
	for p, a := range ss.attempts {
		if !a.connected {
			dead = append(dead, p)
		}
	}
	for _, o := range ss.pool {
		if o.att.remote == "" {
			dead = append(dead, o.att.p)
		}
	}
	ss.pool = nil
	ss.mu.Unlock()
	for _, sock := range ss.sockets {
		sock.Remove(ss.infoHash)
	}
	for _, p := range dead {
		_ = p.Close()
	}
	ss.forget()
}

// send writes msg to one tracker socket.
func (ss *session) send(sock *socket.Socket, msg []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	return sock.Send(ctx, msg)
}

// newPeer creates a non-trickle peer as Trystero's initPeer does (§4.1).
func (ss *session) newPeer(initiator bool) (*peer.Peer, error) {
	return peer.New(peer.Config{Initiator: initiator, Trickle: false, RTCConfig: ss.cfg.RTCConfig, Logger: ss.log})
}

// onConnect hands a connected peer to the room. Following wire-0.18 §4.5
// recommendation (a), attempts with the same peer whose answer has not left
// yet are abandoned; attempts already past the offer/answer exchange are
// left alone, because the remote may register one of them first and
// closing it would make the remote see us leave (§4.5 c). If such a
// duplicate connects, the room keeps it (§4.5 b).
func (ss *session) onConnect(a *attempt) {
	ss.mu.Lock()
	if ss.left {
		ss.mu.Unlock()
		_ = a.p.Close()
		return
	}
	a.connected = true
	ss.connected[a.remote]++
	var abandon []*peer.Peer
	for p, b := range ss.attempts {
		if b != a && b.remote == a.remote && !b.initiator && !b.answerSent && !b.connected {
			abandon = append(abandon, p)
		}
	}
	ss.mu.Unlock()
	for _, p := range abandon {
		ss.log.Debug("torrent: abandoning duplicate attempt", "peer", a.remote)
		_ = p.Close()
	}
	ss.log.Debug("torrent: peer connected", "peer", a.remote, "initiator", a.initiator)
	ss.room.AddPeer(a.remote, a.p)
}

// watch waits for a peer to close, then updates the connected set and, for
// an offer of the current pool, makes a replacement offer that goes out
// with the next announce (wire-0.18 §7.1).
func (ss *session) watch(a *attempt) {
	<-a.p.Done()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.attempts, a.p)
	if a.connected {
		if ss.connected[a.remote]--; ss.connected[a.remote] <= 0 {
			delete(ss.connected, a.remote)
		}
	}
	if a.offer == nil || ss.left {
		return
	}
	for i, o := range ss.pool {
		if o == a.offer {
			ss.pool = append(ss.pool[:i:i], ss.pool[i+1:]...)
			if o := ss.newOfferLocked(); o != nil {
				ss.pool = append(ss.pool, o)
			}
			return
		}
	}
}
