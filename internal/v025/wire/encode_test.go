package wire

import (
	"testing"

	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/testutil"
)

// The reference encodings the hand-written encoders are fuzzed against:
// encoding/json (through jsjson) on structs with Trystero 0.25's member
// orders. The captures decode into the tracker ones.
type (
	announceJSON struct {
		PeerID  string `json:"peerId"`
		Passive bool   `json:"passive,omitempty"`
	}
	offerJSON struct {
		PeerID  string `json:"peerId"`
		OfferID string `json:"offerId"`
		Offer   string `json:"offer"`
		Passive bool   `json:"passive,omitempty"`
	}
	answerJSON struct {
		PeerID  string `json:"peerId"`
		Answer  string `json:"answer"`
		OfferID string `json:"offerId,omitempty"`
		Passive bool   `json:"passive,omitempty"`
	}
	candidateJSON struct {
		PeerID    string `json:"peerId"`
		Candidate string `json:"candidate"`
		OfferID   string `json:"offerId,omitempty"`
		Passive   bool   `json:"passive,omitempty"`
	}
	offererCandidateJSON struct {
		PeerID    string `json:"peerId"`
		OfferID   string `json:"offerId,omitempty"`
		Candidate string `json:"candidate"`
		Passive   bool   `json:"passive,omitempty"`
	}
	torrentAnnounce struct {
		Action   string         `json:"action"`
		InfoHash string         `json:"info_hash"`
		PeerID   string         `json:"peer_id"`
		NumWant  int            `json:"numwant"`
		Offers   []TorrentOffer `json:"offers"`
	}
	torrentAnswer struct {
		Action   string `json:"action"`
		InfoHash string `json:"info_hash"`
		PeerID   string `json:"peer_id"`
		Answer   SDP    `json:"answer"`
		OfferID  string `json:"offer_id"`
		ToPeerID string `json:"to_peer_id"`
	}
	torrentQuiet struct {
		Action   string         `json:"action"`
		InfoHash string         `json:"info_hash"`
		PeerID   string         `json:"peer_id"`
		Left     int            `json:"left"`
		NumWant  int            `json:"numwant"`
		Offers   []TorrentOffer `json:"offers"`
	}
)

func FuzzEncodersMatchReflection(f *testing.F) {
	f.Add("GW8x2NijagYFduwG9Q6C", "offer1", `{"c":"x","iv":"y"}`, "5v555w112h626i264rj4", true, uint16(0), 3)
	f.Add("\u2028<&>", "", "\x00\xff\"\\", "", false, uint16(65535), 0)
	f.Fuzz(func(t *testing.T, self, offerID, cipher, infoHash string, passive bool, line uint16, n int) {
		check := func(what string, got []byte, ref any) { testutil.SameAsMarshal(t, what, got, ref) }
		check("Announce", Announce(self, passive), announceJSON{self, passive})
		check("Offer", Offer(self, offerID, cipher, passive), offerJSON{self, offerID, cipher, passive})
		check("Answer", Answer(self, cipher, offerID, passive), answerJSON{self, cipher, offerID, passive})
		check("Candidate", Candidate(self, cipher, offerID, false, passive), candidateJSON{self, cipher, offerID, passive})
		check("offerer's Candidate", Candidate(self, cipher, offerID, true, passive), offererCandidateJSON{self, offerID, cipher, passive})
		check("Signal", Signal{Type: offerID, SDP: cipher}.Marshal(), struct {
			Type string `json:"type"`
			SDP  string `json:"sdp"`
		}{offerID, cipher})
		offers := make([]TorrentOffer, n&3)
		for i := range offers {
			offers[i] = TorrentOffer{OfferID: offerID, Offer: SDP{Type: "offer", SDP: cipher}}
		}
		check("TorrentAnnounce", TorrentAnnounce(infoHash, self, offers), torrentAnnounce{trackerAction, infoHash, self, TorrentOffers, offers})
		check("TorrentAnswer", TorrentAnswer(infoHash, self, offerID, cipher, cipher), torrentAnswer{trackerAction, infoHash, self, SDP{"answer", cipher}, cipher, offerID})
		check("TorrentQuietAnnounce", TorrentQuietAnnounce(infoHash, self), torrentQuiet{trackerAction, infoHash, self, 0, TorrentOffers, []TorrentOffer{}})
		c := peer.ICECandidateInit{Candidate: cipher}
		check("EncodeCandidate, nulls", []byte(EncodeCandidate(c)), c)
		c.SDPMid, c.SDPMLineIndex, c.UsernameFragment = &offerID, &line, &self
		check("EncodeCandidate", []byte(EncodeCandidate(c)), c)
	})
}
