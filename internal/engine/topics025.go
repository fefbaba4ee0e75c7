package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/v025/topic"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// The 0.25 topic strategy (docs/protocol-0.25.md §6), which Topics runs for
// a Protocol025 session: the root and self topics are hashed (§4), every
// message is JSON (§6.1), and
//
//   - an announcement, or a nudge on our topic, from a peer we neither
//     are connected to nor have an attempt with: the smaller id offers, with
//     a fresh 12-character offerId, on the relay it came through; the
//     larger id nudges the peer instead, {"peerId":self} on the peer's
//     topic (§6.2, §14.3);
//   - an offer is answered (glare: the smaller id's own offer stands), the
//     answer copying its offerId; an answer is applied to our outstanding
//     offer with the same offerId; candidates go to the attempt of their
//     offerId (§6.2);
//   - our offer or answer and then each of our candidates go, sealed, to
//     the peer's topic on the relay that started the attempt.

// announce025 is the 0.25 announcement: {"peerId":self}, with
// "passive":true from a passive room (§6.1).
type announce025 struct{ passive bool }

func (a announce025) EncodeID(id string) []byte { return v025wire.Announce(id, a.passive) }

func (announce025) DecodeID(p []byte) (string, error) {
	m, err := v025wire.Parse(p)
	if err != nil || m.Kind != v025wire.KindAnnounce || !ValidID(m.PeerID) {
		return "", fmt.Errorf("%w: not a 0.25 announcement", ErrPayload)
	}
	return m.PeerID, nil
}

// offerIDLen is the length of a topic strategy's offerId (§2).
const offerIDLen = 12

// deliver025 handles one message that arrived through r on the root or
// self topic.
func (t *Topics) deliver025(r Relay, on string, payload []byte) {
	if on != t.root && on != t.self {
		t.s.log.Debug("ignoring message on foreign topic", "relay", r.URL(), "topic", on)
		return
	}
	m, err := v025wire.Parse(payload)
	switch {
	case err != nil:
		t.s.complaints.Do(func() { t.s.log.Warn("dropping signal", "relay", r.URL(), "err", err) })
		return
	case m.PeerID == t.s.selfID:
		return // the relay echoes our own announcement
	case !ValidID(m.PeerID):
		t.s.complaints.Do(func() { t.s.log.Warn("dropping signal from an invalid peer id", "relay", r.URL()) })
		return
	case !t.admit025(on, m):
		return
	}
	switch m.Kind {
	case v025wire.KindAnnounce:
		t.onAnnounce025(r, m.PeerID)
	case v025wire.KindOffer:
		sdp, err := t.s.open(m.Cipher)
		if err != nil {
			t.s.wrongPassword(m.PeerID, "offer", err)
			return
		}
		key := m.Cipher
		if m.OfferID != "" {
			// A JS peer sends its offer again, sealed anew, on later
			// announcements: the offerId tells a copy (§6.2).
			key = "offerId:" + m.OfferID
		}
		t.s.answer(m.PeerID, key, m.OfferID, sdp, t.sender025(r, m.PeerID, m.OfferID, false), nil)
	case v025wire.KindAnswer:
		sdp, err := t.s.open(m.Cipher)
		if err != nil {
			t.s.wrongPassword(m.PeerID, "answer", err)
			return
		}
		a := t.s.Outstanding(m.PeerID)
		if a == nil || (a.offerID != "" && m.OfferID != "" && a.offerID != m.OfferID) {
			t.s.log.Debug("ignoring answer without a matching outstanding offer", "peer", m.PeerID, "relay", r.URL())
			return
		}
		t.s.accept(a, m.PeerID, sdp)
	case v025wire.KindCandidate:
		t.onCandidate025(m)
	}
}

// onAnnounce025: the smaller id offers, the larger one nudges (§6.2),
// unless the room binds to a connection its app shares with the peer (§7).
func (t *Topics) onAnnounce025(r Relay, id string) {
	if t.s.busy(id) || t.s.bindShared(id) {
		return
	}
	if t.s.selfID > id {
		// The nudge is {"peerId":self}, passive or not, as in JS.
		ctx, cancel := context.WithTimeout(t.s.ctx, publishTimeout)
		defer cancel()
		if err := r.Publish(ctx, t.peerTopic025(id), v025wire.Announce(t.s.selfID, false)); err != nil {
			t.s.log.Debug("nudge failed", "peer", id, "relay", r.URL(), "err", err)
		}
		return
	}
	offerID := ids.New(offerIDLen)
	if t.s.offer(id, offerID, t.sender025(r, id, offerID, true), nil) != nil {
		t.s.log.Debug("offering to announced peer", "peer", id, "relay", r.URL())
	}
}

// peerTopic025 is where peer id is reached in the room (§4).
func (t *Topics) peerTopic025(id string) string {
	return topic.ForRoom(t.s.cfg.AppID, t.s.roomID).Peer(id)
}

// candidateSignal is a remote candidate as the peer takes it.
func candidateSignal(c peer.ICECandidateInit) peer.Signal {
	return peer.Signal{Type: peer.TypeCandidate, Candidate: &c}
}

// onCandidate025 gives a sealed candidate to the attempt of its offerId.
// Candidates that do not open are dropped without a word, as JS does
// (§3.1).
func (t *Topics) onCandidate025(m v025wire.Message) {
	text, err := t.s.open(m.Cipher)
	if err != nil {
		t.s.log.Debug("dropping candidate that does not decrypt", "peer", m.PeerID)
		return
	}
	c, err := v025wire.ParseCandidate(text)
	if err != nil {
		t.s.complaints.Do(func() { t.s.log.Warn("dropping malformed candidate", "peer", m.PeerID, "err", err) })
		return
	}
	a := t.s.described(m.PeerID)
	if a == nil || (a.offerID != "" && m.OfferID != "" && a.offerID != m.OfferID) {
		t.s.log.Debug("dropping candidate without a matching attempt", "peer", m.PeerID)
		return
	}
	if err := a.p.Signal(candidateSignal(c)); err != nil {
		t.s.log.Debug("candidate rejected", "peer", m.PeerID, "err", err)
	}
}

// sender025 publishes an attempt's signals to remote's topic on r: the
// attempt hands it the sealed offer (offerer) or answer first, then each
// sealed candidate (Attempt.relay, relayTrickled).
func (t *Topics) sender025(r Relay, remote, offerID string, offerer bool) func(string) error {
	var mu sync.Mutex
	sent := false
	to := t.peerTopic025(remote)
	return func(sealed string) error {
		mu.Lock()
		first := !sent
		sent = true
		mu.Unlock()
		var payload []byte
		switch {
		case first && offerer:
			payload = v025wire.Offer(t.s.selfID, offerID, sealed, t.s.cfg.Passive)
		case first:
			payload = v025wire.Answer(t.s.selfID, sealed, offerID, t.s.cfg.Passive)
		default:
			payload = v025wire.Candidate(t.s.selfID, sealed, offerID, offerer, t.s.cfg.Passive)
		}
		ctx, cancel := context.WithTimeout(t.s.ctx, publishTimeout)
		defer cancel()
		if err := r.Publish(ctx, to, payload); err != nil {
			return fmt.Errorf("publish on %s: %w", r.URL(), err)
		}
		return nil
	}
}
