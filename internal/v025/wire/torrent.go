package wire

import "github.com/posthorn/posthorn/internal/jsjson"

const (
	// trackerAction is the only action Trystero sends to a tracker.
	trackerAction = "announce"
	// TorrentOffers is how many offers a 0.25 announce carries and the
	// numwant it asks for (protocol-0.25 §11.1).
	TorrentOffers = 3
)

// SDP is an offer or answer as it crosses a tracker: {type, sdp}, sdp being
// the crypt.GCM envelope of the description (protocol-0.25 §11.1).
type SDP struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// TorrentOffer is one entry of an announce's offers.
type TorrentOffer struct {
	OfferID string `json:"offer_id"`
	Offer   SDP    `json:"offer"`
}

// The tracker messages are written member by member in 0.25's order
// (protocol-0.25 §11.1, announceFieldOrder and answerFieldOrder; see
// message.go): action, info_hash, peer_id first.
func trackerMsg(infoHash, self string, size int) *jsjson.Object {
	return jsjson.NewObject(96+len(infoHash)+len(self)+size).
		String("action", trackerAction).String("info_hash", infoHash).String("peer_id", self)
}

// sdp is {type, sdp}.
func sdp(typ, text string) []byte {
	return jsjson.NewObject(32+len(text)).String("type", typ).String("sdp", text).Bytes()
}

// offersArray is the offers member's value: [] when there are none, as JS
// writes it.
func offersArray(offers []TorrentOffer) []byte {
	return jsjson.AppendArray(nil, offers, func(b []byte, o TorrentOffer) []byte {
		return append(b, jsjson.NewObject(64+len(o.Offer.SDP)).String("offer_id", o.OfferID).
			Raw("offer", sdp(o.Offer.Type, o.Offer.SDP)).Bytes()...)
	})
}

// TorrentAnnounce encodes an announce with its offers (envelopes already in
// each SDP): peer_id before numwant, numwant always TorrentOffers.
func TorrentAnnounce(infoHash, self string, offers []TorrentOffer) []byte {
	arr := offersArray(offers)
	return trackerMsg(infoHash, self, len(arr)).Int("numwant", TorrentOffers).Raw("offers", arr).Bytes()
}

// TorrentAnswer encodes the answer to offerID of peer to; there is no
// offerId inside the answer.
func TorrentAnswer(infoHash, self, to, offerID, cipher string) []byte {
	return trackerMsg(infoHash, self, len(cipher)+len(to)+len(offerID)).Raw("answer", sdp("answer", cipher)).
		String("offer_id", offerID).String("to_peer_id", to).Bytes()
}

// TorrentQuietAnnounce encodes a quiet passive room's announce
// (protocol-0.25 §6.5, §11.1): {…,"left":0,"numwant":3,"offers":[]}.
func TorrentQuietAnnounce(infoHash, self string) []byte {
	return trackerMsg(infoHash, self, 0).Int("left", 0).Int("numwant", TorrentOffers).Raw("offers", []byte("[]")).Bytes()
}
