package engine

import (
	"github.com/posthorn/posthorn/internal/peer"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// Trickle ICE (SessionConfig.Trickle), the firebase strategy's way
// (docs/protocol-0.18.md §7.4): an attempt's peer emits its offer or answer
// at once and then every local candidate as a signal of its own. Each
// crosses the relay as the JSON of the whole simple-peer signal, sealed as a
// whole with a password (§3), until the peer connects; later ones go over
// the data channel like every strategy's renegotiation (§4.3).

// seal returns the relay payload for sig: the sealed sdp, or with trickle
// the sealed JSON of the whole signal.
func (a *Attempt) seal(sig peer.Signal) (string, error) {
	if a.s.is025() {
		var cand string
		if sig.Candidate != nil {
			cand = v025wire.EncodeCandidate(*sig.Candidate)
		}
		return a.s.seal025(sig.Type, sig.SDP, cand)
	}
	if !a.s.trickle {
		return a.s.seal(sig.SDP)
	}
	b, err := sig.MarshalJSON()
	if err != nil {
		return "", err
	}
	return a.s.seal(string(b))
}

// relayTrickled is a trickling attempt's OnSignal: the first signal goes
// through relay's checks, later ones are sent as they come until the
// attempt connected or closed.
func (a *Attempt) relayTrickled(sig peer.Signal) {
	s := a.s
	s.mu.Lock()
	first := !a.relayed
	a.relayed = true
	done := a.connected || a.closed
	s.mu.Unlock()
	switch {
	case first:
		a.relay(sig)
		return
	case done:
		return // the room sends it over the data channel, or nobody needs it
	}
	sealed, err := a.seal(sig)
	if err == nil {
		err = a.send(sealed)
	}
	if err != nil {
		// one lost candidate need not fail the attempt; its timeout decides
		s.log.Debug("cannot send signal", "peer", a.Remote(), "type", sig.Type, "err", err)
	}
}

// Signal hands the session one sealed signal that remote sent through a
// relay, on a trickling session (SessionConfig.Trickle). It is opened with
// the room's password and parsed like simple-peer's signal() (§4.3), then:
//
//   - an offer is answered as Answer does (glare, copies, the cap), the
//     answer and our candidates going out through send;
//   - an answer is applied to our outstanding offer to remote, as Accept;
//   - a candidate goes to the newest unconnected attempt with remote that
//     has the remote's session description (an answerer, or an initiator
//     whose answer came). Signals for attempts that are gone or were
//     withdrawn in a glare find none and are dropped.
//
// Signals that do not open are reported like any password mismatch
// (Config.OnJoinError); those that do not parse are logged (rate-limited).
// Either is dropped and nothing is created for it.
func (s *Session) Signal(remote, sealed string, send func(string) error, onClose func()) {
	plain, err := s.open(sealed)
	if err != nil {
		s.wrongPassword(remote, "signal", err)
		return
	}
	sig, err := peer.ParseSignal([]byte(plain))
	if err != nil {
		s.complaints.Do(func() { s.log.Warn("dropping malformed signal", "peer", remote, "err", err) })
		return
	}
	switch {
	case sig.Type == peer.TypeOffer && sig.SDP != "":
		s.answer(remote, sealed, "", sig.SDP, send, onClose)
	case sig.Type == peer.TypeAnswer && sig.SDP != "":
		if a := s.Outstanding(remote); a != nil {
			s.accept(a, remote, sig.SDP)
		} else {
			s.log.Debug("ignoring answer without an outstanding offer", "peer", remote)
		}
	case sig.Candidate != nil:
		if a := s.described(remote); a != nil {
			if err := a.p.Signal(sig); err != nil {
				s.log.Debug("candidate rejected", "peer", remote, "err", err)
			}
		} else {
			s.log.Debug("dropping candidate without a matching attempt", "peer", remote)
		}
	default:
		s.log.Debug("ignoring signal before the connection", "peer", remote, "type", sig.Type)
	}
}

// described returns the newest unconnected live attempt with remote that
// has remote's session description, or nil.
func (s *Session) described(remote string) *Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	as := s.attempts[remote]
	for i := len(as) - 1; i >= 0; i-- {
		a := as[i]
		if !a.connected && !a.closed && (!a.initiator || a.exchanged) {
			return a
		}
	}
	return nil
}
