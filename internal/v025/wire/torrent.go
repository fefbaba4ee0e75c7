package wire

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

// torrentAnnounce is 0.25's announce, members in its order: peer_id now
// comes before numwant (protocol-0.25 §11.1, announceFieldOrder).
type torrentAnnounce struct {
	Action   string         `json:"action"`
	InfoHash string         `json:"info_hash"`
	PeerID   string         `json:"peer_id"`
	NumWant  int            `json:"numwant"`
	Offers   []TorrentOffer `json:"offers"`
}

// torrentAnswer is 0.25's answer, members in its order; there is no offerId
// inside (protocol-0.25 §11.1, answerFieldOrder).
type torrentAnswer struct {
	Action   string `json:"action"`
	InfoHash string `json:"info_hash"`
	PeerID   string `json:"peer_id"`
	Answer   SDP    `json:"answer"`
	OfferID  string `json:"offer_id"`
	ToPeerID string `json:"to_peer_id"`
}

// TorrentAnnounce encodes an announce with its offers (envelopes already in
// each SDP); numwant is always TorrentOffers.
func TorrentAnnounce(infoHash, self string, offers []TorrentOffer) []byte {
	if offers == nil {
		offers = []TorrentOffer{} // JS writes [], never null
	}
	return mustMarshal(torrentAnnounce{trackerAction, infoHash, self, TorrentOffers, offers})
}

// TorrentAnswer encodes the answer to offerID of peer to.
func TorrentAnswer(infoHash, self, to, offerID, cipher string) []byte {
	return mustMarshal(torrentAnswer{trackerAction, infoHash, self, SDP{"answer", cipher}, offerID, to})
}

// torrentQuiet is the announce of a passive room that is not active,
// members in JS's order (protocol-0.25 §6.5, §11.1).
type torrentQuiet struct {
	Action   string         `json:"action"`
	InfoHash string         `json:"info_hash"`
	PeerID   string         `json:"peer_id"`
	Left     int            `json:"left"`
	NumWant  int            `json:"numwant"`
	Offers   []TorrentOffer `json:"offers"`
}

// TorrentQuietAnnounce encodes a quiet passive room's announce:
// {…,"left":0,"numwant":3,"offers":[]}.
func TorrentQuietAnnounce(infoHash, self string) []byte {
	return mustMarshal(torrentQuiet{trackerAction, infoHash, self, 0, TorrentOffers, []TorrentOffer{}})
}
