package torrent

import (
	"context"
	"time"

	"sync"

	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/socket"
)

// session is one joined room on the trackers: its info_hash, its sockets,
// the announce timer and the offer pool (the closure of Trystero's joinRoom
// in torrent.js). Connection attempts are the engine's.
type session struct {
	s        *Strategy
	es       *engine.Session
	infoHash string
	sockets  []*socket.Socket

	mu    sync.Mutex
	every time.Duration // current announce period
	timer *time.Timer
	round int      // announce round; a new pool each round
	pool  []*offer // the current round's offers, in creation order
	// opens counts each socket's (re)connections as seen by onOpen; sentTo
	// holds the connection number that got the current round, so a round is
	// sent once per connection.
	opens, sentTo map[*socket.Socket]int
}

// start is the Shell's start function.
func (s *Strategy) start(es *engine.Session) error {
	s.open(es)
	return nil
}

// open listens on every tracker socket of the room and announces.
func (s *Strategy) open(es *engine.Session) *session {
	cfg := es.Config()
	ss := &session{
		s:        s,
		es:       es,
		infoHash: infoHashOf(cfg.AppID, es.RoomID()),
		every:    cfg.AnnounceInterval,
		opens:    map[*socket.Socket]int{},
		sentTo:   map[*socket.Socket]int{},
	}
	for _, url := range engine.Relays(cfg, DefaultRelayURLs, DefaultRedundancy) {
		sock := s.pool.Get(url)
		ss.sockets = append(ss.sockets, sock)
		sock.OnMessage(ss.infoHash, func(b []byte) { ss.onMessage(sock, b) })
		sock.OnError(ss.infoHash, func(err error) { es.RelayFailed(url, err) })
	}
	es.OnStop(ss.stop)
	es.OnReannounce(ss.announceAll)
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
	if ss.es.Stopped() {
		ss.mu.Unlock()
		return
	}
	ss.timer.Reset(ss.every)
	ss.mu.Unlock()
	ss.announceAll()
}

// adoptInterval applies a tracker's interval: only values above the current
// period and at most the cap are taken, so the period only grows (§7.1).
func (ss *session) adoptInterval(secs float64) {
	d := time.Duration(secs * float64(time.Second))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if d <= ss.every || d > ss.s.maxAnnounce || ss.es.Stopped() {
		return
	}
	ss.every = d
	ss.timer.Reset(d) // clearInterval + setInterval: the next one is d from now
	ss.es.Log().Debug("torrent: announce interval adopted", "interval", d)
}

// stop runs when the room is left: no more announcements or listeners. The
// engine closes the attempts. No "stopped" event is sent (§7.1).
func (ss *session) stop() {
	ss.mu.Lock()
	ss.timer.Stop()
	ss.pool = nil
	ss.mu.Unlock()
	for _, sock := range ss.sockets {
		sock.Remove(ss.infoHash)
	}
}

// send writes msg to one tracker socket.
func (ss *session) send(sock *socket.Socket, msg []byte) error {
	ctx, cancel := context.WithTimeout(ss.es.Context(), sendTimeout)
	defer cancel()
	return sock.Send(ctx, msg)
}
