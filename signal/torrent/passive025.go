package torrent

import (
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/socket"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// Passive 0.25 rooms on trackers (Config.Passive, protocol-0.25 §6.5,
// §11.1): a quiet passive room announces {…,"left":0,"numwant":3,
// "offers":[]} at once, on every socket (re)connection and every
// max(period, quietPeriod025), so it has no offers for the tracker to pass
// on and two passive rooms never meet. An offer wakes it: it answers, and
// announces with offers on the 0.25.4 schedule. Once it has had no peers
// and no attempts with known peers for a grace of 7.533 s, checked again
// every 7.533 s while it has, it closes its unanswered offers and is quiet
// again.

// quietPeriod025 is the least period of a quiet room (JS's
// dormantAnnounceMs).
const quietPeriod025 = 120 * time.Second

// quietLocked reports whether the room is passive and quiet (ss.mu held).
func (ss *session) quietLocked() bool { return ss.passive && !ss.active }

// announceQuiet sends the quiet announce to every open socket.
func (ss *session) announceQuiet() {
	for _, sock := range ss.sockets {
		ss.sendQuiet(sock)
	}
}

// sendQuiet sends the quiet announce to sock, if it is open.
func (ss *session) sendQuiet(sock *socket.Socket) {
	if sock.State() != posthorn.RelayOpen {
		return
	}
	if err := ss.send(sock, v025wire.TorrentQuietAnnounce(ss.infoHash, ss.s.sh.SelfID())); err != nil {
		ss.es.Log().Debug("torrent: quiet announce not sent", "tracker", sock.URL(), "err", err)
		ss.es.RelayFailed(sock.URL(), err)
		return
	}
	ss.es.Joined()
}

// wake makes a quiet passive room active: the schedule starts over with an
// announce with offers now, and the idle check is armed.
func (ss *session) wake() {
	ss.mu.Lock()
	if !ss.quietLocked() || ss.es.Stopped() {
		ss.mu.Unlock()
		return
	}
	ss.active = true
	ss.n = 0
	ss.scheduleLocked()
	ss.armGraceLocked()
	ss.mu.Unlock()
	ss.es.Log().Debug("torrent: passive room activated")
	ss.announceAll()
}

// armGraceLocked (re)sets the idle check's timer (ss.mu held).
func (ss *session) armGraceLocked() {
	if ss.grace != nil {
		ss.grace.Stop()
	}
	ss.graceGen++
	gen := ss.graceGen
	ss.grace = ss.s.after(engine.PassiveGrace025, func() { ss.graceOver(gen) })
}

// graceOver makes an idle active passive room quiet again, closing its
// unanswered offers, or checks again later.
func (ss *session) graceOver(gen int) {
	idle := ss.es.Idle()
	ss.mu.Lock()
	if gen != ss.graceGen || !ss.passive || !ss.active || ss.es.Stopped() {
		ss.mu.Unlock()
		return
	}
	if !idle {
		ss.armGraceLocked()
		ss.mu.Unlock()
		return
	}
	ss.active = false
	pool := ss.pool
	ss.pool = nil
	ss.round++ // no pending round goes out
	ss.n = 0
	ss.scheduleLocked()
	ss.mu.Unlock()
	for _, o := range pool {
		if o.a.Remote() == "" {
			o.a.Close()
		}
	}
	ss.es.Log().Debug("torrent: passive room quiet again")
	ss.announceQuiet()
}
