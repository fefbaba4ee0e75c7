package torrent

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/jsonobj"
	"github.com/posthorn/posthorn/internal/peer"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

const (
	// trackerAction is the only action Trystero sends (protocol-0.18 §7.1).
	trackerAction = "announce"
	// offerPoolSize is how many offers each announce carries and the numwant
	// it asks for (protocol-0.18 §7.1).
	offerPoolSize = 10
)

// sdpObject is a simple-peer offer or answer as it crosses the tracker:
// {type, sdp}, sdp being the envelope string of §3 when a password is set.
type sdpObject struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

type offerEntry struct {
	OfferID string    `json:"offer_id"`
	Offer   sdpObject `json:"offer"`
}

// encodeAnnounce and encodeAnswer write the bytes JSON.stringify writes for
// Trystero's announce and answer objects, members in its order
// (protocol-0.18 §7.1, 018-torrent-capture.json announceFieldOrder and
// answerFieldOrder; no event, uploaded, downloaded or left), without
// reflection: these are on a join's path in the browser (0.25's:
// session.encodeAnnounce).
func encodeAnnounce(infoHash, selfID string, offers []offerEntry) []byte {
	arr := jsjson.AppendArray(nil, offers, func(b []byte, o offerEntry) []byte {
		return append(b, jsjson.NewObject(64+len(o.Offer.SDP)).String("offer_id", o.OfferID).
			Raw("offer", sdpJSON(o.Offer)).Bytes()...)
	})
	return jsjson.NewObject(96+len(infoHash)+len(selfID)+len(arr)).String("action", trackerAction).
		String("info_hash", infoHash).Int("numwant", offerPoolSize).String("peer_id", selfID).
		Raw("offers", arr).Bytes()
}

func encodeAnswer(infoHash, selfID, to, offerID string, answer sdpObject) []byte {
	return jsjson.NewObject(160+len(answer.SDP)).Raw("answer", sdpJSON(answer)).String("action", trackerAction).
		String("info_hash", infoHash).String("peer_id", selfID).String("to_peer_id", to).
		String("offer_id", offerID).Bytes()
}

// sdpJSON is {type, sdp}.
func sdpJSON(o sdpObject) []byte {
	return jsjson.NewObject(32+len(o.SDP)).String("type", o.Type).String("sdp", o.SDP).Bytes()
}

// encodeAnnounce is the room's announce with offers, in its protocol's
// member order.
func (ss *session) encodeAnnounce(offers []offerEntry) []byte {
	if !ss.v025 {
		return encodeAnnounce(ss.infoHash, ss.s.sh.SelfID(), offers)
	}
	out := make([]v025wire.TorrentOffer, len(offers))
	for i, o := range offers {
		out[i] = v025wire.TorrentOffer{OfferID: o.OfferID, Offer: v025wire.SDP{Type: o.Offer.Type, SDP: o.Offer.SDP}}
	}
	return v025wire.TorrentAnnounce(ss.infoHash, ss.s.sh.SelfID(), out)
}

// encodeAnswer is the room's answer to offerID of peer to, sealed answer
// inside, in its protocol's member order.
func (ss *session) encodeAnswer(to, offerID, sealed string) []byte {
	if !ss.v025 {
		return encodeAnswer(ss.infoHash, ss.s.sh.SelfID(), to, offerID, sdpObject{Type: peer.TypeAnswer, SDP: sealed})
	}
	return v025wire.TorrentAnswer(ss.infoHash, ss.s.sh.SelfID(), to, offerID, sealed)
}

// trackerMsg is what a client reads from a tracker: an announce response, a
// forwarded offer or answer, or a failure (protocol-0.18 §7.1). Offer and Answer
// stay raw until they are known to be for this room.
type trackerMsg struct {
	Action        string          `json:"action"`
	InfoHash      string          `json:"info_hash"`
	PeerID        string          `json:"peer_id"`
	FailureReason string          `json:"failure reason"`
	Interval      json.RawMessage `json:"interval"` // a number; anything else is ignored
	Offer         json.RawMessage `json:"offer"`
	OfferID       string          `json:"offer_id"`
	Answer        json.RawMessage `json:"answer"`
}

// decodeTrackerMsg parses one tracker message. Members of unexpected types
// make it fail as a whole (JS would also fail on them later).
// It decodes as json.Unmarshal into the struct would, through
// internal/jsonobj (no reflection on the join's path in the browser build).
func decodeTrackerMsg(data []byte) (*trackerMsg, error) {
	var m trackerMsg
	err := jsonobj.Members(data, func(name string, v json.RawMessage) error {
		switch {
		case strings.EqualFold(name, "action"):
			return jsonobj.String(v, &m.Action)
		case strings.EqualFold(name, "info_hash"):
			return jsonobj.String(v, &m.InfoHash)
		case strings.EqualFold(name, "peer_id"):
			return jsonobj.String(v, &m.PeerID)
		case strings.EqualFold(name, "failure reason"):
			return jsonobj.String(v, &m.FailureReason)
		case strings.EqualFold(name, "offer_id"):
			return jsonobj.String(v, &m.OfferID)
		case strings.EqualFold(name, "interval"):
			m.Interval = bytes.Clone(v) // v is part of data, which the socket may reuse
		case strings.EqualFold(name, "offer"):
			m.Offer = bytes.Clone(v)
		case strings.EqualFold(name, "answer"):
			m.Answer = bytes.Clone(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// interval returns the interval member in seconds, or 0 when it is absent
// or not a number.
func (m *trackerMsg) interval() float64 {
	var f float64
	if json.Unmarshal(m.Interval, &f) != nil {
		return 0
	}
	return f
}

// present reports whether a raw member is there and JS-truthy enough to act
// on (Trystero tests `val.offer`, `val.answer`).
func present(raw json.RawMessage) bool {
	switch string(raw) {
	case "", "null", "false", "0", `""`:
		return false
	}
	return true
}
