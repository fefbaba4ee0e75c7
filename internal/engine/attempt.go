package engine

import (
	"context"
	"sync"
	"time"

	"github.com/posthorn/posthorn/internal/peer"
)

// attempt is one connection attempt with a remote peer: our offer
// (initiator) or our answer to its offer.
type attempt struct {
	s         *Session
	id        string // remote peer id
	relay     Relay  // where the trigger arrived; all our signalling goes here
	initiator bool
	offerSDP  string // answerers: the offer's sdp as received (dedupe key)
	p         *peer.Peer
	timer     *time.Timer

	// guarded by s.mu
	exchanged bool      // initiator: answer applied; answerer: answer published
	offeredAt time.Time // initiator: when the offer was published
	connected bool
	closed    bool

	closeOnce sync.Once
}

func (a *attempt) close() {
	a.closeOnce.Do(func() {
		if a.timer != nil {
			a.timer.Stop()
		}
		_ = a.p.Close()
	})
}

// pendingLocked counts unconnected attempts.
func (s *Session) pendingLocked() int {
	n := 0
	for _, as := range s.attempts {
		for _, a := range as {
			if !a.connected {
				n++
			}
		}
	}
	return n
}

func (s *Session) connectedLocked(id string) bool {
	for _, a := range s.attempts[id] {
		if a.connected {
			return true
		}
	}
	return s.room.HasPeer(id)
}

// onAnnounce: an unknown, unconnected peer without a pending attempt gets
// our offer on the relay it announced on (wire-0.18 §7.2 receive rules).
func (s *Session) onAnnounce(r Relay, id string) {
	if id == s.cfg.SelfID {
		return // the relay echoes our own announcement
	}
	s.mu.Lock()
	if s.stopped || len(s.attempts[id]) > 0 || s.room.HasPeer(id) {
		s.mu.Unlock()
		return
	}
	if s.pendingLocked() >= s.cfg.MaxPending {
		s.mu.Unlock()
		s.log.Warn("too many pending connection attempts; ignoring announcement", "peer", id, "relay", r.URL())
		return
	}
	a, err := s.newAttemptLocked(r, id, true, "")
	s.mu.Unlock()
	if err != nil {
		s.log.Warn("cannot create peer", "peer", id, "err", err)
		return
	}
	s.log.Debug("offering to announced peer", "peer", id, "relay", r.URL())
	a.start(nil)
}

// onOffer answers an offer on the relay it came from.
func (s *Session) onOffer(r Relay, id, rawSDP string) {
	if id == s.cfg.SelfID {
		return
	}
	sdp, err := s.decrypt(rawSDP)
	if err != nil {
		s.log.Warn("dropping offer that does not decrypt (password mismatch?)", "peer", id, "relay", r.URL(), "err", err)
		return
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	if s.connectedLocked(id) {
		s.mu.Unlock()
		s.log.Debug("ignoring offer from connected peer", "peer", id)
		return
	}
	g := s.glareLocked(id)
	if g == glareKeepOurs {
		s.mu.Unlock()
		s.log.Debug("ignoring offer: our own offer to this peer stands (glare)", "peer", id, "relay", r.URL())
		return
	}
	var replaced []*attempt
	for _, a := range s.attempts[id] {
		if a.connected {
			continue
		}
		if a.initiator {
			if g == glareYield {
				replaced = append(replaced, a) // we withdraw our offer
			}
			continue
		}
		if a.offerSDP == rawSDP {
			s.mu.Unlock()
			s.log.Debug("ignoring copy of an offer being answered", "peer", id, "relay", r.URL())
			return
		}
		replaced = append(replaced, a) // the peer gave up on that offer
	}
	if s.pendingLocked()-len(replaced) >= s.cfg.MaxPending {
		s.mu.Unlock()
		s.log.Warn("too many pending connection attempts; ignoring offer", "peer", id, "relay", r.URL())
		return
	}
	for _, a := range replaced {
		s.removeLocked(a)
	}
	if len(replaced) > 0 {
		s.log.Debug("answering offer in place of ours and older ones", "peer", id, "withdrawn", len(replaced))
	}
	a, err := s.newAttemptLocked(r, id, false, rawSDP)
	s.mu.Unlock()
	for _, old := range replaced {
		old.close()
	}
	if err != nil {
		s.log.Warn("cannot create peer", "peer", id, "err", err)
		return
	}
	s.log.Debug("answering offer", "peer", id, "relay", r.URL())
	a.start(&peer.Signal{Type: peer.TypeOffer, SDP: sdp})
}

// glare is what to do with an offer from a peer that our own outstanding
// offer went to: both saw the other's announcement (both sides announce
// around the same time, wire-0.18 §4.5). Answering as well makes two
// connections, and a JS peer may register the other one than we do, so
// that our sends are lost (§4.5); one offer should win (§4.5 a).
type glare int

const (
	glareNone     glare = iota // no offer of ours is outstanding: answer
	glareKeepOurs              // ignore their offer; ours wins
	glareYield                 // withdraw ours and answer theirs
	glareAnswer                // answer theirs and keep ours, which may be lost
)

// glareLocked decides (s.mu held):
//
//   - an offer of ours that has been answered is connecting: it wins;
//   - an offer of ours that has been out unanswered for NudgeDelay or more
//     may be lost, or unusable to the remote (a JS nostr peer with a
//     password, the quirk): we answer theirs, but keep ours in case the
//     remote, a posthorn peer that decided the other way, answers it
//     (withdrawing it then would leave neither offer answered);
//   - otherwise the peer with the lower id keeps its offer and the other
//     withdraws its own and answers, which both sides of a posthorn pair
//     decide alike.
//
// A JS 0.18 peer answers every offer it gets, so with a JS peer every
// outcome gives one connection; two posthorn peers with stale offers may
// make two, which the Room keeps as duplicates.
func (s *Session) glareLocked(id string) glare {
	for _, a := range s.attempts[id] {
		if !a.initiator || a.connected {
			continue
		}
		switch {
		case a.exchanged:
			return glareKeepOurs
		case !a.offeredAt.IsZero() && time.Since(a.offeredAt) >= s.cfg.NudgeDelay:
			return glareAnswer
		case s.cfg.SelfID < id:
			return glareKeepOurs
		default:
			return glareYield
		}
	}
	return glareNone
}

// onAnswer applies an answer to our outstanding offer to id.
func (s *Session) onAnswer(r Relay, id, rawSDP string) {
	s.mu.Lock()
	var target *attempt
	for _, a := range s.attempts[id] {
		if a.initiator && !a.exchanged && !a.connected {
			target = a
			break
		}
	}
	s.mu.Unlock()
	if target == nil {
		s.log.Debug("ignoring answer without an outstanding offer", "peer", id, "relay", r.URL())
		return
	}
	sdp, err := s.decrypt(rawSDP)
	if err != nil {
		s.log.Warn("dropping answer that does not decrypt (password mismatch?)", "peer", id, "relay", r.URL(), "err", err)
		return
	}
	s.mu.Lock()
	if target.exchanged || target.closed {
		s.mu.Unlock()
		return
	}
	target.exchanged = true
	s.mu.Unlock()
	if err := target.p.Signal(peer.Signal{Type: peer.TypeAnswer, SDP: sdp}); err != nil {
		s.log.Warn("answer rejected", "peer", id, "err", err)
		target.close()
	}
}

// newAttemptLocked creates the peer and registers the attempt.
func (s *Session) newAttemptLocked(r Relay, id string, initiator bool, offerSDP string) (*attempt, error) {
	p, err := peer.New(peer.Config{
		Initiator: initiator,
		Trickle:   false, // non-trickle for the topic strategies (wire-0.18 §4.1, §4.3)
		RTCConfig: s.cfg.RTCConfig,
		Logger:    s.cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	a := &attempt{s: s, id: id, relay: r, initiator: initiator, offerSDP: offerSDP, p: p}
	s.attempts[id] = append(s.attempts[id], a)
	a.timer = time.AfterFunc(s.cfg.AttemptTimeout, a.expire)
	return a, nil
}

// removeLocked forgets a; it does not close it.
func (s *Session) removeLocked(a *attempt) {
	a.closed = true
	as := s.attempts[a.id]
	for i, x := range as {
		if x == a {
			as = append(as[:i:i], as[i+1:]...)
			break
		}
	}
	if len(as) == 0 {
		delete(s.attempts, a.id)
	} else {
		s.attempts[a.id] = as
	}
}

// start wires the peer's callbacks and feeds the remote offer, if any.
func (a *attempt) start(offer *peer.Signal) {
	var once sync.Once
	a.p.OnSignal(func(sig peer.Signal) {
		// Only the first signal travels over the relay; the room routes
		// later ones over the data channel (wire-0.18 §4.3).
		once.Do(func() { a.publish(sig) })
	})
	a.p.OnConnect(a.connect)
	go func() {
		<-a.p.Done()
		a.s.mu.Lock()
		if !a.closed {
			a.s.removeLocked(a)
		}
		a.s.mu.Unlock()
		if a.timer != nil {
			a.timer.Stop()
		}
	}()
	if offer != nil {
		if err := a.p.Signal(*offer); err != nil {
			a.s.log.Warn("offer rejected", "peer", a.id, "err", err)
			a.close()
		}
	}
}

// publish sends our offer or answer to the remote's self topic on the
// trigger's relay only (wire-0.18 §7.2 "Consequences for a Go peer").
func (a *attempt) publish(sig peer.Signal) {
	s := a.s
	enc, err := s.encrypt(sig.SDP)
	if err != nil {
		s.log.Warn("cannot encrypt sdp", "peer", a.id, "err", err)
		a.close()
		return
	}
	sig.SDP = enc
	m := message{PeerID: s.cfg.SelfID}
	if a.initiator {
		m.Offer = &sig
	} else {
		m.Answer = &sig
	}
	payload, err := m.encode()
	if err != nil {
		s.log.Warn("cannot encode signal", "peer", a.id, "err", err)
		a.close()
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, publishTimeout)
	err = a.relay.Publish(ctx, PeerTopic(s.cfg.AppID, s.cfg.RoomID, a.id), payload)
	cancel()
	if err != nil {
		s.log.Warn("cannot publish signal; abandoning attempt", "peer", a.id, "relay", a.relay.URL(), "err", err)
		a.close()
		return
	}
	s.mu.Lock()
	if a.initiator {
		a.offeredAt = time.Now()
	} else {
		a.exchanged = true
	}
	s.mu.Unlock()
	if !a.initiator {
		return
	}
	if s.cbc != nil && s.cfg.Quirks.OffersNotDecrypted {
		time.AfterFunc(s.cfg.NudgeDelay, a.nudge)
	}
}

// nudge re-announces on the offer's relay if the offer is still unanswered
// (Quirks.OffersNotDecrypted; see the package doc).
func (a *attempt) nudge() {
	s := a.s
	s.mu.Lock()
	stale := a.closed || a.exchanged || a.connected || s.stopped
	s.mu.Unlock()
	if stale {
		return
	}
	s.log.Debug("offer unanswered; re-announcing so the peer can offer", "peer", a.id, "relay", a.relay.URL())
	_ = s.announce(s.ctx, a.relay)
}

// expire closes an attempt that did not connect in time.
func (a *attempt) expire() {
	a.s.mu.Lock()
	live := !a.connected && !a.closed
	a.s.mu.Unlock()
	if live {
		a.s.log.Debug("connection attempt timed out", "peer", a.id, "initiator", a.initiator)
		a.close()
	}
}

// connect hands the peer to the room and abandons the attempts with the same
// id that the remote cannot have seen connect: unanswered offers and answers
// not yet sent (wire-0.18 §4.5 a). Attempts that exchanged SDP may connect
// too; the room keeps them as duplicates (§4.5 b, c).
func (a *attempt) connect() {
	s := a.s
	s.mu.Lock()
	if a.closed {
		s.mu.Unlock()
		return
	}
	a.connected = true
	var abandon []*attempt
	for _, o := range s.attempts[a.id] {
		if o != a && !o.connected && !o.exchanged {
			abandon = append(abandon, o)
		}
	}
	for _, o := range abandon {
		s.removeLocked(o)
	}
	s.mu.Unlock()
	if a.timer != nil {
		a.timer.Stop()
	}
	for _, o := range abandon {
		o.close()
	}
	s.log.Debug("peer connected", "peer", a.id, "initiator", a.initiator)
	s.room.AddPeer(a.id, a.p) // closes p if the room was left
}
