package engine

import (
	"sync"
	"time"

	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/roomlink"
)

// Attempt is one connection attempt with a remote peer: an offer of ours
// (initiator) or our answer to its offer. Only its first signal crosses a
// relay, or with trickle every signal until it connects; the room carries
// later ones over the data channel (docs/protocol-0.18.md §4.3, §7.4).
type Attempt struct {
	s         *Session
	initiator bool
	offerKey  string // answerers: the offer as received, to spot copies
	offerID   string // 0.25: the offer's offerId, "" if none (protocol-0.25 §6.1)
	p         *peer.Peer
	send      func(sdp string) error // carries our sealed offer or answer
	onClose   func()                 // the strategy's bookkeeping; may be nil

	// guarded by s.mu
	remote    string // "" for an anonymous offer until Accept
	timer     *time.Timer
	exchanged bool      // initiator: answer applied; answerer: answer sent
	offeredAt time.Time // initiator: when the offer was sent
	connected bool
	closed    bool
	relayed   bool // trickle: the first signal went out

	closeOnce sync.Once
}

// Remote is the remote peer's id, "" for an anonymous offer nobody
// answered yet.
func (a *Attempt) Remote() string {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return a.remote
}

// Close abandons the attempt (a connected one belongs to the room).
func (a *Attempt) Close() {
	a.closeOnce.Do(func() { _ = a.p.Close() })
}

// Done is closed once the attempt's peer connection has closed.
func (a *Attempt) Done() <-chan struct{} { return a.p.Done() }

// Offer starts an attempt as initiator. A remote id makes it an offer to
// that peer, counted against the pending cap and timed out; "" makes an
// anonymous offer (the torrent strategy's offer pool), which neither counts
// nor times out until an answer assigns it a peer (Accept). send gets the
// sealed offer once ICE gathering completes; onClose runs when the attempt
// ends. Offer returns nil when the room was left, the peer is connected
// (or, under 0.25, shares a connection with the room's app: the room binds
// to it) or already has an attempt, the cap is reached or the peer cannot
// be created; each is logged.
func (s *Session) Offer(remote string, send func(sdp string) error, onClose func()) *Attempt {
	return s.offer(remote, "", send, onClose)
}

// offer is Offer with the offerId a 0.25 offer carries.
func (s *Session) offer(remote, offerID string, send func(sdp string) error, onClose func()) *Attempt {
	if s.bindShared(remote) {
		return nil
	}
	s.mu.Lock()
	switch {
	case s.stopped:
		s.mu.Unlock()
		return nil
	case remote != "" && (len(s.attempts[remote]) > 0 || s.connectedLocked(remote)):
		s.mu.Unlock()
		return nil
	case remote != "" && s.pendingLocked() >= s.cfg.MaxPendingAttempts:
		s.mu.Unlock()
		s.log.Warn("too many pending connection attempts; not offering", "peer", remote)
		return nil
	}
	a, err := s.newAttemptLocked(remote, true, "", send, onClose)
	if err == nil {
		a.offerID = offerID
	}
	s.mu.Unlock()
	if err != nil {
		s.log.Warn("cannot create peer", "peer", remote, "err", err)
		return nil
	}
	a.start(nil)
	return a
}

// Answer answers a peer's sealed offer. Offers that do not open with the
// room's password, copies of an offer being answered, offers from connected
// peers and offers that lose a glare are dropped (logged); an unconnected
// attempt with the same peer that this offer supersedes is withdrawn.
func (s *Session) Answer(remote, sealedOffer string, send func(sdp string) error, onClose func()) *Attempt {
	sdp, err := s.open(sealedOffer)
	if err != nil {
		s.wrongPassword(remote, "offer", err)
		return nil
	}
	return s.answer(remote, sealedOffer, "", sdp, send, onClose)
}

// answer is Answer once the offer is open; key spots copies of the offer,
// offerID is a 0.25 offer's offerId ("" if none).
func (s *Session) answer(remote, key, offerID, sdp string, send func(string) error, onClose func()) *Attempt {
	if s.bindShared(remote) {
		s.log.Debug("ignoring offer: the room uses the connection it shares with the peer", "peer", remote)
		return nil
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	if s.connectedLocked(remote) {
		s.mu.Unlock()
		s.log.Debug("ignoring offer from connected peer", "peer", remote)
		return nil
	}
	g := s.glareLocked(remote)
	if g == glareKeepOurs {
		s.mu.Unlock()
		s.log.Debug("ignoring offer: our own offer to this peer stands (glare)", "peer", remote)
		return nil
	}
	var replaced []*Attempt
	for _, a := range s.attempts[remote] {
		switch {
		case a.connected:
		case a.initiator:
			if g == glareYield {
				replaced = append(replaced, a) // we withdraw our offer
			}
		case a.offerKey == key:
			s.mu.Unlock()
			s.log.Debug("ignoring copy of an offer being answered", "peer", remote)
			return nil
		default:
			replaced = append(replaced, a) // the peer gave up on that offer
		}
	}
	if s.pendingLocked()-len(replaced) >= s.cfg.MaxPendingAttempts {
		s.mu.Unlock()
		s.log.Warn("too many pending connection attempts; ignoring offer", "peer", remote)
		return nil
	}
	for _, a := range replaced {
		s.removeLocked(a)
	}
	a, err := s.newAttemptLocked(remote, false, key, send, onClose)
	if err == nil {
		a.offerID = offerID
	}
	s.mu.Unlock()
	for _, old := range replaced {
		old.Close()
	}
	if err != nil {
		s.log.Warn("cannot create peer", "peer", remote, "err", err)
		return nil
	}
	s.log.Debug("answering offer", "peer", remote, "withdrawn", len(replaced))
	a.start(&peer.Signal{Type: peer.TypeOffer, SDP: sdp})
	return a
}

// Outstanding returns our offer to remote that awaits its answer, or nil.
func (s *Session) Outstanding(remote string) *Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.attempts[remote] {
		if a.initiator && !a.exchanged && !a.connected {
			return a
		}
	}
	return nil
}

// Accept applies remote's sealed answer to our offer a; an anonymous offer
// becomes an attempt with remote and its timeout starts. The first answer
// wins; answers that do not open, and answers from a peer we are connected
// to already, are dropped.
func (s *Session) Accept(a *Attempt, remote, sealedAnswer string) {
	sdp, err := s.open(sealedAnswer)
	if err != nil {
		// a stays open: a correctly sealed answer may still come
		s.wrongPassword(remote, "answer", err)
		return
	}
	s.accept(a, remote, sdp)
}

// accept is Accept once the answer is open.
func (s *Session) accept(a *Attempt, remote, sdp string) {
	s.mu.Lock()
	if a.exchanged || a.closed || s.stopped || (a.remote != remote && (a.remote != "" || s.connectedLocked(remote))) {
		s.mu.Unlock()
		return
	}
	if a.remote == "" {
		s.detachLocked(a)
		a.remote = remote
		s.attempts[remote] = append(s.attempts[remote], a)
		a.timer = time.AfterFunc(s.cfg.AttemptTimeout, a.expire)
	}
	a.exchanged = true
	s.mu.Unlock()
	if err := a.p.Signal(peer.Signal{Type: peer.TypeAnswer, SDP: sdp}); err != nil {
		s.log.Warn("answer rejected", "peer", remote, "err", err)
		a.Close()
	}
}

// pendingLocked counts the unconnected attempts with a known peer.
func (s *Session) pendingLocked() int {
	n := 0
	for id, as := range s.attempts {
		if id == "" {
			continue
		}
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
	return s.handoff[id] > 0 || roomlink.HasPeer(s.room, id)
}

// newAttemptLocked creates the peer and registers the attempt (s.mu held).
func (s *Session) newAttemptLocked(remote string, initiator bool, offerKey string, send func(string) error, onClose func()) (*Attempt, error) {
	p, err := peer.New(peer.Config{
		Initiator: initiator,
		Trickle:   s.trickle, // else one SDP with every candidate (§4.1, §4.3)
		Perfect:   s.is025(), // protocol-0.25 §5
		RTCConfig: s.cfg.RTCConfig,
		Logger:    s.cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	a := &Attempt{s: s, remote: remote, initiator: initiator, offerKey: offerKey, p: p, send: send, onClose: onClose}
	s.attempts[remote] = append(s.attempts[remote], a)
	if remote != "" {
		a.timer = time.AfterFunc(s.cfg.AttemptTimeout, a.expire)
	}
	return a, nil
}

// removeLocked forgets a; it does not close it.
func (s *Session) removeLocked(a *Attempt) {
	a.closed = true
	s.detachLocked(a)
}

// detachLocked takes a out of the attempt set.
func (s *Session) detachLocked(a *Attempt) {
	as := s.attempts[a.remote]
	for i, x := range as {
		if x == a {
			as = append(as[:i:i], as[i+1:]...)
			break
		}
	}
	if len(as) == 0 {
		delete(s.attempts, a.remote)
	} else {
		s.attempts[a.remote] = as
	}
}

// start wires the peer's callbacks and feeds the remote offer, if any.
func (a *Attempt) start(offer *peer.Signal) {
	if a.s.trickle {
		a.p.OnSignal(a.relayTrickled)
	} else {
		var once sync.Once
		a.p.OnSignal(func(sig peer.Signal) {
			once.Do(func() { a.relay(sig) })
		})
	}
	a.p.OnConnect(a.connect)
	go a.watch()
	if offer != nil {
		if err := a.p.Signal(*offer); err != nil {
			a.s.log.Warn("offer rejected", "peer", a.Remote(), "err", err)
			a.Close()
		}
	}
}

// watch forgets the attempt once its peer has closed.
func (a *Attempt) watch() {
	<-a.p.Done()
	s := a.s
	s.mu.Lock()
	if !a.closed {
		s.removeLocked(a)
	}
	if a.timer != nil {
		a.timer.Stop()
	}
	s.mu.Unlock()
	if a.onClose != nil {
		a.onClose()
	}
}

// relay seals our offer or answer and hands it to the strategy's send.
// With trickle it is only the first signal's relay (see relayTrickled).
func (a *Attempt) relay(sig peer.Signal) {
	s := a.s
	want := peer.TypeAnswer
	if a.initiator {
		want = peer.TypeOffer
	}
	if sig.Type != want {
		s.log.Warn("unusable first signal", "type", sig.Type, "want", want)
		a.Close()
		return
	}
	s.mu.Lock()
	abandon := !a.initiator && a.connectedElsewhereLocked()
	s.mu.Unlock()
	if abandon {
		// connected to this peer another way meanwhile: abandon before the
		// answer leaves (§4.5 a)
		a.Close()
		return
	}
	sealed, err := a.seal(sig)
	if err == nil {
		err = a.send(sealed)
	}
	if err != nil {
		s.log.Warn("cannot send signal; abandoning attempt", "peer", a.Remote(), "err", err)
		a.Close()
		return
	}
	s.mu.Lock()
	if a.initiator {
		a.offeredAt = time.Now()
	} else {
		a.exchanged = true
	}
	s.mu.Unlock()
}

func (a *Attempt) connectedElsewhereLocked() bool {
	for _, o := range a.s.attempts[a.remote] {
		if o != a && o.connected {
			return true
		}
	}
	return false
}

// expire closes an attempt that did not connect in time.
func (a *Attempt) expire() {
	a.s.mu.Lock()
	live := !a.connected && !a.closed
	a.s.mu.Unlock()
	if live {
		a.s.log.Debug("connection attempt timed out", "peer", a.Remote(), "initiator", a.initiator)
		a.Close()
	}
}

// connect hands the peer to the room and abandons the attempts with the same
// peer that the remote cannot have seen connect: unanswered offers and
// answers not yet sent (§4.5 a). Attempts that exchanged session
// descriptions may connect too; the room keeps them as duplicates (§4.5 b, c).
func (a *Attempt) connect() {
	s := a.s
	s.mu.Lock()
	if a.closed || a.remote == "" {
		s.mu.Unlock()
		return
	}
	a.connected = true
	if a.timer != nil {
		a.timer.Stop()
	}
	var abandon []*Attempt
	for _, o := range s.attempts[a.remote] {
		if o != a && !o.connected && !o.exchanged {
			abandon = append(abandon, o)
		}
	}
	for _, o := range abandon {
		s.removeLocked(o)
	}
	handoff := s.is025()
	if handoff {
		// The connection becomes one the rooms of the app share
		// (protocol-0.25 §7): leaving this room must not close it. Until
		// the room has adopted it, an announce must not start a second
		// one.
		s.removeLocked(a)
		s.handoff[a.remote]++
	}
	s.mu.Unlock()
	for _, o := range abandon {
		o.Close()
	}
	s.log.Debug("peer connected", "peer", a.remote, "initiator", a.initiator)
	roomlink.AddPeer(s.room, a.remote, a.p) // closes p if the room was left
	if handoff {
		s.mu.Lock()
		if s.handoff[a.remote]--; s.handoff[a.remote] == 0 {
			delete(s.handoff, a.remote)
		}
		s.mu.Unlock()
	}
}
