package torrent

import (
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/socket"
)

// offer is one entry of the offer pool: an anonymous offer of the engine's
// and its sealed session description.
type offer struct {
	id      string
	created time.Time
	a       *engine.Attempt
	ready   chan struct{} // closed once sdp is set
	sdp     string        // the offer as sent (sealed with a password)
}

// newOffer creates one pooled offer (ss.mu not held). Its session
// description arrives asynchronously, once ICE gathering completes
// (non-trickle, §4.3); nil if the room was left or the peer could not be
// made.
func (ss *session) newOffer() *offer {
	o := &offer{id: ids.New(hashLimit), created: time.Now(), ready: make(chan struct{})}
	o.a = ss.es.Offer("", func(sdp string) error {
		ss.mu.Lock()
		o.sdp = sdp
		ss.mu.Unlock()
		close(o.ready)
		return nil
	}, func() { ss.replace(o) })
	if o.a == nil {
		return nil
	}
	return o
}

// replace swaps a closed offer of the current pool for a fresh one, which
// goes out with the next announce (§7.1).
func (ss *session) replace(o *offer) {
	ss.mu.Lock()
	i := ss.indexLocked(o)
	if i < 0 || ss.es.Stopped() {
		ss.mu.Unlock()
		return
	}
	ss.pool = append(ss.pool[:i:i], ss.pool[i+1:]...)
	ss.mu.Unlock()
	if n := ss.newOffer(); n != nil {
		ss.mu.Lock()
		ss.pool = append(ss.pool, n)
		ss.mu.Unlock()
	}
}

func (ss *session) indexLocked(o *offer) int {
	for i, x := range ss.pool {
		if x == o {
			return i
		}
	}
	return -1
}

// resendGap is the least time between two resends on one socket.
const resendGap = time.Second

// resend sends the current round's offers to sock again, at most once per
// resendGap (see onOffer).
func (ss *session) resend(sock *socket.Socket) {
	ss.mu.Lock()
	if time.Since(ss.resent[sock]) < resendGap {
		ss.mu.Unlock()
		return
	}
	ss.resent[sock] = time.Now()
	delete(ss.sentTo, sock)
	round := ss.round
	ss.mu.Unlock()
	go ss.announce(sock, round)
}

// offering reports whether the pool holds offers of ours that nobody has
// answered, ready or still gathering. A new round's offers count before
// their descriptions are ready: Trystero 0.25 keeps its offers from round
// to round, so it always has some out, and a larger id's offer answered in
// that gap would make a second connection to a peer that is answering ours.
func (ss *session) offering() bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, o := range ss.pool {
		select {
		case <-o.a.Done():
			continue
		default:
		}
		if o.a.Remote() == "" {
			return true
		}
	}
	return false
}

// pooled finds an offer of the current pool by id (ss.mu held).
func (ss *session) pooled(offerID string) *offer {
	for _, o := range ss.pool {
		if o.id == offerID {
			return o
		}
	}
	return nil
}

// announceAll starts a new round: under 0.18 the unanswered offers of the
// previous round are closed and a fresh pool of poolSize offers is made
// (§7.1), under 0.25 the pool is kept and only topped up (keep025); once
// the pool's session descriptions are ready the announce goes to every open
// tracker socket.
func (ss *session) announceAll() {
	ss.mu.Lock()
	quiet := ss.quietLocked()
	ss.mu.Unlock()
	if quiet {
		ss.announceQuiet()
		return
	}
	if ss.v025 {
		ss.keep025()
		return
	}
	fresh := make([]*offer, 0, ss.poolSize())
	for range ss.poolSize() {
		if o := ss.newOffer(); o != nil {
			fresh = append(fresh, o)
		}
	}
	ss.mu.Lock()
	if ss.es.Stopped() {
		ss.mu.Unlock()
		return
	}
	stale := ss.pool
	ss.pool = fresh
	ss.sendRoundLocked(stale)
}

// sendRoundLocked starts a new round with the pool in place and unlocks
// ss.mu: the unanswered offers of stale are closed, and the pool goes to
// every tracker socket once its session descriptions are ready.
func (ss *session) sendRoundLocked(stale []*offer) {
	ss.round++
	round := ss.round
	ss.sentTo = map[*socket.Socket]int{}
	ss.mu.Unlock()
	for _, o := range stale {
		if o.a.Remote() == "" {
			o.a.Close() // nobody answered it: its replacement is not wanted
		}
	}
	go func() {
		if !ss.waitRound(round) {
			return
		}
		for _, sock := range ss.sockets {
			ss.announce(sock, round)
		}
	}()
}

// onOpen runs on every (re)connection of a tracker socket: the current
// round's unanswered offers go to it, so a tracker that restarted learns of
// this peer without waiting for the next round. (Trystero waits for the next
// round; sending earlier only shortens the time to meet.)
func (ss *session) onOpen(sock *socket.Socket) {
	ss.mu.Lock()
	ss.opens[sock]++
	round := ss.round
	quiet := ss.quietLocked()
	ss.mu.Unlock()
	if quiet {
		ss.sendQuiet(sock)
		return
	}
	if ss.waitRound(round) {
		ss.announce(sock, round)
	}
}

// waitRound waits until every offer of round has its session description
// or died. It reports false if the room was left or a newer round started.
func (ss *session) waitRound(round int) bool {
	ss.mu.Lock()
	if ss.round != round {
		ss.mu.Unlock()
		return false
	}
	pool := append([]*offer(nil), ss.pool...)
	ss.mu.Unlock()
	done := ss.es.Context().Done()
	for _, o := range pool {
		select {
		case <-o.ready:
		case <-o.a.Done():
		case <-done:
			return false
		}
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.round == round && !ss.es.Stopped()
}

// announce sends round's unanswered, ready offers to sock, once per
// connection of sock. A socket whose open onOpen has not seen yet is left
// to onOpen.
func (ss *session) announce(sock *socket.Socket, round int) {
	ss.mu.Lock()
	conn := ss.opens[sock]
	if ss.round != round || conn == 0 || ss.sentTo[sock] == conn || sock.State() != posthorn.RelayOpen {
		ss.mu.Unlock()
		return
	}
	offers := make([]offerEntry, 0, len(ss.pool))
	for _, o := range ss.pool {
		if o.sdp != "" && o.a.Remote() == "" {
			offers = append(offers, offerEntry{OfferID: o.id, Offer: sdpObject{Type: peer.TypeOffer, SDP: o.sdp}})
		}
	}
	ss.sentTo[sock] = conn
	ss.mu.Unlock()

	if err := ss.send(sock, ss.encodeAnnounce(offers)); err != nil {
		ss.es.Log().Debug("torrent: announce not sent", "tracker", sock.URL(), "err", err)
		ss.es.RelayFailed(sock.URL(), err)
		ss.mu.Lock()
		if ss.round == round && ss.sentTo[sock] == conn {
			delete(ss.sentTo, sock) // the next open retries
		}
		ss.mu.Unlock()
		return
	}
	ss.es.Joined()
}
