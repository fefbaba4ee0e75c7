package torrent

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/posthorn/posthorn/internal/jsonobj"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/socket"
)

// errBadSDP means a forwarded offer or answer is not a {type, sdp} object of
// the expected type.
var errBadSDP = errors.New("torrent: malformed offer or answer")

// sealedSDP checks a forwarded {type, sdp} and returns its sdp member, the
// session description as sealed by the sender.
func sealedSDP(raw json.RawMessage, wantType string) (string, error) {
	var o sdpObject
	err := jsonobj.Members(raw, func(name string, v json.RawMessage) error {
		switch {
		case strings.EqualFold(name, "type"):
			return jsonobj.String(v, &o.Type)
		case strings.EqualFold(name, "sdp"):
			return jsonobj.String(v, &o.SDP)
		}
		return nil
	})
	if err != nil || o.Type != wantType || o.SDP == "" {
		return "", fmt.Errorf("%w: want type %q", errBadSDP, wantType)
	}
	return o.SDP, nil
}

// onMessage handles one tracker message for this room (§7.1, "Receiving").
func (ss *session) onMessage(sock *socket.Socket, data []byte) {
	log := ss.es.Log()
	m, err := decodeTrackerMsg(data)
	if err != nil {
		log.Warn("torrent: malformed tracker message", "tracker", sock.URL(), "err", err)
		return
	}
	if m.InfoHash != ss.infoHash || m.PeerID == ss.s.sh.SelfID() {
		return
	}
	if m.FailureReason != "" {
		log.Warn("torrent: tracker failure", "tracker", sock.URL(), "reason", m.FailureReason)
		return
	}
	if iv := m.interval(); iv > 0 {
		ss.adoptInterval(iv)
	}
	if m.PeerID == "" {
		return
	}
	if ss.v025 && m.OfferID != "" && (present(m.Offer) || present(m.Answer)) {
		kind := "answer"
		if present(m.Offer) {
			kind = "offer"
		}
		if ss.dedupe025(kind, m.OfferID, m.PeerID) {
			return
		}
	}
	switch {
	case present(m.Offer) && m.OfferID != "":
		// Whether our offers are out is judged before a quiet passive room
		// wakes and makes some: as in JS, it answers the offer that woke it
		// and takes part (protocol-0.25 §6.5).
		out := ss.v025 && ss.offering()
		ss.wake()
		ss.onOffer(sock, m, out)
	case present(m.Answer):
		ss.onAnswer(m)
	}
}

// onOffer answers a forwarded offer on the socket it came from, unless
// our own offers were out (offering) and it comes from a larger id. The
// engine drops copies (the same offer arrives from every tracker), offers
// from connected peers and offers over the attempt cap.
func (ss *session) onOffer(sock *socket.Socket, m *trackerMsg, offering bool) {
	sdp, err := sealedSDP(m.Offer, peer.TypeOffer)
	if err != nil {
		ss.es.Log().Warn("torrent: dropping offer", "peer", m.PeerID, "tracker", sock.URL(), "err", err)
		return
	}
	to, offerID := m.PeerID, m.OfferID
	if offering && to > ss.s.sh.SelfID() {
		// 0.25: while our own offers are out, a larger id's offers are
		// ignored; it answers ours instead (protocol-0.25 §11.1). Our
		// offers go to this tracker again now, not at the next round, so
		// that it can pass them to the newcomer.
		ss.es.Log().Debug("torrent: ignoring offer from a larger id", "peer", to)
		ss.resend(sock)
		return
	}
	ss.es.Answer(to, sdp, func(answer string) error {
		return ss.send(sock, ss.encodeAnswer(to, offerID, answer))
	}, nil)
}

// onAnswer applies an answer to the offer of the current pool with that
// offer_id; the first answer wins (§7.1).
func (ss *session) onAnswer(m *trackerMsg) {
	ss.mu.Lock()
	o := ss.pooled(m.OfferID)
	sent := o != nil && o.sdp != ""
	ss.mu.Unlock()
	if !sent {
		return
	}
	sdp, err := sealedSDP(m.Answer, peer.TypeAnswer)
	if err != nil {
		ss.es.Log().Warn("torrent: dropping answer", "peer", m.PeerID, "err", err)
		return
	}
	ss.es.Accept(o.a, m.PeerID, sdp)
}
