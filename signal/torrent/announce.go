package torrent

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/socket"
)

// offer is one entry of the offer pool: an initiator peer and its SDP.
type offer struct {
	id    string
	att   *attempt
	ready chan struct{} // closed once sdp is set or the peer died first
	sdp   string        // the offer SDP as sent (encrypted with a password)
	ok    bool
}

// newOfferLocked creates one pooled initiator peer (ss.mu held). Its offer
// arrives asynchronously, once ICE gathering completes (non-trickle, §4.3).
func (ss *session) newOfferLocked() *offer {
	p, err := ss.newPeer(true)
	if err != nil {
		ss.log.Warn("torrent: cannot create offer peer", "err", err)
		return nil
	}
	o := &offer{id: newOfferID(), ready: make(chan struct{})}
	o.att = &attempt{p: p, initiator: true, offer: o}
	ss.attempts[p] = o.att
	first := true
	p.OnSignal(func(sig peer.Signal) {
		if !first { // only the first signal crosses the tracker (§4.3)
			return
		}
		first = false
		sdp, err := ss.seal(sig.SDP)
		if sig.Type != peer.TypeOffer || err != nil {
			ss.log.Warn("torrent: unusable local offer", "type", sig.Type, "err", err)
			_ = p.Close()
			return
		}
		ss.mu.Lock()
		o.sdp, o.ok = sdp, true
		ss.mu.Unlock()
		close(o.ready)
	})
	p.OnConnect(func() { ss.onConnect(o.att) })
	go ss.watch(o.att)
	return o
}

// announceAll starts a new round: unanswered offers of the previous round
// are destroyed, a fresh pool of offerPoolSize offers is made, and once
// their SDPs are ready the announce goes to every open tracker socket
// (wire-0.18 §7.1).
func (ss *session) announceAll() {
	ss.mu.Lock()
	if ss.left {
		ss.mu.Unlock()
		return
	}
	var stale []*peer.Peer
	for _, o := range ss.pool {
		if o.att.remote == "" && !o.att.connected {
			stale = append(stale, o.att.p)
		}
	}
	ss.handled = map[string]bool{}
	ss.pool = ss.pool[:0:0]
	for range offerPoolSize {
		if o := ss.newOfferLocked(); o != nil {
			ss.pool = append(ss.pool, o)
		}
	}
	ss.round++
	round := ss.round
	ss.sentTo = map[*socket.Socket]int{}
	ss.mu.Unlock()
	for _, p := range stale {
		_ = p.Close()
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
	ss.mu.Unlock()
	if ss.waitRound(round) {
		ss.announce(sock, round)
	}
}

// waitRound waits until every offer of round has its SDP or died. It
// reports false if the room was left or a newer round started.
func (ss *session) waitRound(round int) bool {
	ss.mu.Lock()
	if ss.round != round || ss.left {
		ss.mu.Unlock()
		return false
	}
	pool := append([]*offer(nil), ss.pool...)
	ss.mu.Unlock()
	for _, o := range pool {
		select {
		case <-o.ready:
		case <-o.att.p.Done():
		case <-ss.done:
			return false
		}
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.round == round && !ss.left
}

// announce sends round's unanswered, ready offers to sock, once per
// connection of sock. A socket whose open onOpen has not seen yet is left
// to onOpen.
func (ss *session) announce(sock *socket.Socket, round int) {
	ss.mu.Lock()
	conn := ss.opens[sock]
	if ss.left || ss.round != round || conn == 0 || ss.sentTo[sock] == conn || sock.State() != posthorn.RelayOpen {
		ss.mu.Unlock()
		return
	}
	offers := make([]offerEntry, 0, len(ss.pool))
	for _, o := range ss.pool {
		if o.ok && o.att.remote == "" {
			offers = append(offers, offerEntry{OfferID: o.id, Offer: sdpObject{Type: peer.TypeOffer, SDP: o.sdp}})
		}
	}
	ss.sentTo[sock] = conn
	ss.mu.Unlock()

	msg, err := encodeAnnounce(ss.infoHash, ss.s.selfID, offers)
	if err == nil {
		err = ss.send(sock, msg)
	}
	if err != nil {
		ss.log.Debug("torrent: announce not sent", "tracker", sock.URL(), "err", err)
		ss.mu.Lock()
		if ss.round == round && ss.sentTo[sock] == conn {
			delete(ss.sentTo, sock) // the next open retries
		}
		ss.mu.Unlock()
	}
}
