package torrent

import (
	"context"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/internal/v025/topic"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// session is one joined room on the trackers: its info_hash, its sockets,
// the announce timer and the offer pool (the closure of Trystero's joinRoom
// in torrent.js). Connection attempts are the engine's.
type session struct {
	s        *Strategy
	es       *engine.Session
	infoHash string
	sockets  []*socket.Socket
	v025     bool // Protocol025: 0.25's info_hash, pool size and messages (protocol-0.25 §11.1)
	passive  bool // a passive 0.25 room (passive025.go)

	sched engine.Schedule // warm-up (0.25) and base period, from the engine

	mu    sync.Mutex
	every time.Duration // current steady announce period
	n     int           // announcements made, for the warm-up
	gen   int           // the current timer's generation, so stale ticks do nothing
	timer engine.Timer
	round int      // announce round; a new pool each round (0.18)
	pool  []*offer // the current round's offers, in creation order
	// opens counts each socket's (re)connections as seen by onOpen; sentTo
	// holds the connection number that got the current round, so a round is
	// sent once per connection.
	opens, sentTo map[*socket.Socket]int
	resent        map[*socket.Socket]time.Time // the latest resend per socket (0.25)
	seen          map[string]time.Time         // 0.25: when each offer and answer was handled (dedupe025)
	active        bool                         // a passive room takes part (passive025.go)
	grace         engine.Timer                 // its idle check
	graceGen      int
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
		sched:    es.Schedule(engine.TorrentMinPeriod025),
		opens:    map[*socket.Socket]int{},
		sentTo:   map[*socket.Socket]int{},
		resent:   map[*socket.Socket]time.Time{},
		seen:     map[string]time.Time{},
	}
	ss.every = ss.sched.Steady
	ss.passive = cfg.Passive
	ss.active = !cfg.Passive
	urls := engine.Relays(cfg, DefaultRelayURLs, DefaultRedundancy)
	if cfg.Protocol == posthorn.Protocol025 {
		ss.v025 = true
		ss.infoHash = topic.ForRoom(cfg.AppID, es.RoomID()).InfoHash()
		urls = engine.Relays(cfg, relays.Torrent.URLs, relays.Torrent.Redundancy)
	}
	for _, url := range urls {
		sock := s.pool.Get(url)
		ss.sockets = append(ss.sockets, sock)
		sock.OnMessage(ss.infoHash, func(b []byte) { ss.onMessage(sock, b) })
		sock.OnError(ss.infoHash, func(err error) { es.RelayFailed(url, err) })
	}
	es.OnStop(ss.stop)
	es.OnReannounce(ss.announceAll)
	ss.mu.Lock()
	ss.scheduleLocked()
	quiet := ss.quietLocked()
	ss.mu.Unlock()
	if !quiet {
		ss.announceAll() // a quiet room's first announce is onOpen's
	}
	for _, sock := range ss.sockets {
		sock.OnOpen(ss.infoHash, func() { ss.onOpen(sock) })
	}
	return ss
}

// scheduleLocked sets the timer of the next announcement (ss.mu held):
// every period under 0.18 (setInterval(announceAll, announceSecs)); under
// 0.25 after the warm-up, then every period (protocol-0.25 §6.4, §11.1).
func (ss *session) scheduleLocked() {
	d := engine.Schedule{Warmup: ss.sched.Warmup, Steady: ss.every}.Delay(ss.n)
	if ss.quietLocked() {
		d = max(ss.every, quietPeriod025)
	}
	ss.n++
	ss.gen++
	gen := ss.gen
	if ss.timer != nil {
		ss.timer.Stop()
	}
	ss.timer = ss.s.after(d, func() { ss.tick(gen) })
}

// tick is the announce timer.
func (ss *session) tick(gen int) {
	ss.mu.Lock()
	if ss.es.Stopped() || gen != ss.gen {
		ss.mu.Unlock()
		return
	}
	ss.scheduleLocked()
	ss.mu.Unlock()
	ss.announceAll()
}

// adoptInterval applies a tracker's interval. Under 0.18 only values above
// the current period and at most the cap are taken, so the period only
// grows, and the next announcement is a period from now (§7.1). Under 0.25
// the interval, clamped between the base period (10 s unless
// Config.AnnounceInterval says otherwise) and the cap, is the period from
// the next announcement on (protocol-0.25 §11.1).
func (ss *session) adoptInterval(secs float64) {
	d := time.Duration(secs * float64(time.Second))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.es.Stopped() {
		return
	}
	if ss.v025 {
		d = min(max(d, ss.sched.Steady), ss.s.maxAnnounce)
		if d != ss.every {
			ss.every = d
			ss.es.Log().Debug("torrent: announce interval adopted", "interval", d)
		}
		return
	}
	if d <= ss.every || d > ss.s.maxAnnounce {
		return
	}
	ss.every = d
	ss.scheduleLocked() // clearInterval + setInterval: the next one is d from now
	ss.es.Log().Debug("torrent: announce interval adopted", "interval", d)
}

// stop runs when the room is left: no more announcements or listeners. The
// engine closes the attempts. No "stopped" event is sent (§7.1).
func (ss *session) stop() {
	ss.mu.Lock()
	ss.timer.Stop()
	if ss.grace != nil {
		ss.grace.Stop()
	}
	ss.pool = nil
	ss.mu.Unlock()
	for _, sock := range ss.sockets {
		sock.Remove(ss.infoHash)
	}
}

// poolSize is how many offers an announce carries and its numwant.
func (ss *session) poolSize() int {
	if ss.v025 {
		return v025wire.TorrentOffers
	}
	return offerPoolSize
}

// send writes msg to one tracker socket.
func (ss *session) send(sock *socket.Socket, msg []byte) error {
	ctx, cancel := context.WithTimeout(ss.es.Context(), sendTimeout)
	defer cancel()
	return sock.Send(ctx, msg)
}
