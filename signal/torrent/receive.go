package torrent

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/socket"
)

// ErrBadSDP means a forwarded offer or answer is not a {type, sdp} object of
// the expected type.
var ErrBadSDP = errors.New("torrent: malformed offer or answer")

func newOfferID() string { return ids.New(hashLimit) }

// seal encrypts an outgoing SDP when the room has a password (wire-0.18 §3:
// only sdp is replaced by the envelope, type stays clear).
func (ss *session) seal(sdp string) (string, error) {
	if ss.key == nil {
		return sdp, nil
	}
	return ss.key.Encrypt(sdp)
}

// open parses a forwarded {type, sdp} and decrypts sdp with the password.
func (ss *session) open(raw json.RawMessage, wantType string) (string, error) {
	var o sdpObject
	if err := json.Unmarshal(raw, &o); err != nil || o.Type != wantType || o.SDP == "" {
		return "", fmt.Errorf("%w: want type %q", ErrBadSDP, wantType)
	}
	if ss.key == nil {
		return o.SDP, nil
	}
	sdp, err := ss.key.Decrypt(o.SDP)
	if err == nil && sdp == "" {
		err = fmt.Errorf("%w: empty SDP", ErrBadSDP)
	}
	return sdp, err
}

// onMessage handles one tracker message for this room (wire-0.18 §7.1,
// "Receiving").
func (ss *session) onMessage(sock *socket.Socket, data []byte) {
	m, err := decodeTrackerMsg(data)
	if err != nil {
		ss.log.Warn("torrent: malformed tracker message", "tracker", sock.URL(), "err", err)
		return
	}
	if m.InfoHash != ss.infoHash || (m.PeerID != "" && m.PeerID == ss.s.selfID) {
		return
	}
	if m.FailureReason != "" {
		ss.log.Warn("torrent: tracker failure", "tracker", sock.URL(), "reason", m.FailureReason)
		return
	}
	if iv := m.interval(); iv > 0 {
		ss.adoptInterval(iv)
	}
	switch {
	case present(m.Offer) && m.OfferID != "":
		ss.onOffer(sock, m)
	case present(m.Answer):
		ss.onAnswer(m)
	}
}

// onOffer answers a forwarded offer with a new non-initiator peer, on the
// socket the offer came from. Offers from connected peers and offer_ids
// handled this round are ignored (the same offer arrives from every tracker).
func (ss *session) onOffer(sock *socket.Socket, m *trackerMsg) {
	if m.PeerID == "" {
		return
	}
	ss.mu.Lock()
	if ss.left || ss.connected[m.PeerID] > 0 || ss.handled[m.OfferID] {
		ss.mu.Unlock()
		ss.log.Debug("torrent: offer ignored (already connected or handled)", "peer", m.PeerID, "offer_id", m.OfferID)
		return
	}
	ss.handled[m.OfferID] = true
	ss.mu.Unlock()

	sdp, err := ss.open(m.Offer, peer.TypeOffer)
	if err != nil {
		ss.log.Warn("torrent: cannot use offer (different password?)", "peer", m.PeerID, "tracker", sock.URL(), "err", err)
		return
	}
	p, err := ss.newPeer(false)
	if err != nil {
		ss.log.Warn("torrent: cannot create answer peer", "peer", m.PeerID, "err", err)
		return
	}
	a := &attempt{p: p, remote: m.PeerID}
	ss.mu.Lock()
	if ss.left {
		ss.mu.Unlock()
		_ = p.Close()
		return
	}
	ss.attempts[p] = a
	ss.mu.Unlock()

	to, offerID := m.PeerID, m.OfferID
	first := true
	p.OnSignal(func(sig peer.Signal) {
		if !first { // only the first signal crosses the tracker (§4.3)
			return
		}
		first = false
		ss.mu.Lock()
		if ss.left || (ss.connected[to] > 0 && !a.connected) {
			// Already connected to this peer another way: abandon before
			// the answer leaves (§4.5 a).
			ss.mu.Unlock()
			_ = p.Close()
			return
		}
		a.answerSent = true
		ss.mu.Unlock()
		sealed, err := ss.seal(sig.SDP)
		var msg []byte
		if err == nil {
			msg, err = encodeAnswer(ss.infoHash, ss.s.selfID, to, offerID, sdpObject{Type: sig.Type, SDP: sealed})
		}
		if err == nil {
			err = ss.send(sock, msg)
		}
		if err != nil {
			ss.log.Warn("torrent: answer not sent", "peer", to, "tracker", sock.URL(), "err", err)
			_ = p.Close()
			return
		}
		ss.log.Debug("torrent: answer sent", "peer", to, "offer_id", offerID, "tracker", sock.URL())
	})
	p.OnConnect(func() { ss.onConnect(a) })
	go ss.watch(a)
	if err := p.Signal(peer.Signal{Type: peer.TypeOffer, SDP: sdp}); err != nil {
		ss.log.Warn("torrent: offer rejected", "peer", to, "err", err)
		_ = p.Close()
	}
}

// onAnswer applies an answer to the pending offer of the current pool with
// that offer_id; the first answer wins (wire-0.18 §7.1).
func (ss *session) onAnswer(m *trackerMsg) {
	if m.PeerID == "" {
		return
	}
	ss.mu.Lock()
	o := ss.pooled(m.OfferID)
	if ss.left || ss.connected[m.PeerID] > 0 || ss.handled[m.OfferID] || o == nil || !o.ok {
		ss.mu.Unlock()
		return
	}
	ss.mu.Unlock()

	sdp, err := ss.open(m.Answer, peer.TypeAnswer)
	if err != nil {
		// Not marked handled: a correctly encrypted answer may still come.
		ss.log.Warn("torrent: cannot use answer (different password?)", "peer", m.PeerID, "err", err)
		return
	}
	ss.mu.Lock()
	if ss.left || ss.connected[m.PeerID] > 0 || ss.handled[m.OfferID] || ss.pooled(m.OfferID) != o {
		ss.mu.Unlock()
		return
	}
	ss.handled[m.OfferID] = true
	o.att.remote = m.PeerID
	ss.mu.Unlock()
	if err := o.att.p.Signal(peer.Signal{Type: peer.TypeAnswer, SDP: sdp}); err != nil {
		ss.log.Warn("torrent: answer rejected", "peer", m.PeerID, "err", err)
		_ = o.att.p.Close()
	}
}

// pooled finds an offer of the current pool (ss.mu held).
func (ss *session) pooled(offerID string) *offer {
	for _, o := range ss.pool {
		if o.id == offerID {
			return o
		}
	}
	return nil
}
