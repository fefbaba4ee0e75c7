package tracker

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const (
	hashA = "5v555w112h626i264rj4" // protocol-0.18 §9 info_hash
	peerA = "ySDCh2GplxVFtBejF9el" // 018-torrent-capture.json selfId
	peerB = "REMOTEPEER0000000001"
)

func TestParseRequest(t *testing.T) {
	offer := `{"offer_id":"OFFERID0000000000001","offer":{"type":"offer","sdp":"v=0\r\n"}}`
	tests := []struct {
		name string
		in   string
		err  error
		chk  func(t *testing.T, r *Request)
	}{
		{"announce with offers", `{"action":"announce","info_hash":"` + hashA + `","numwant":10,"peer_id":"` + peerA + `","offers":[` + offer + `]}`, nil,
			func(t *testing.T, r *Request) {
				if r.InfoHash != hashA || r.PeerID != peerA || r.NumWant != 10 || len(r.Offers) != 1 || r.Event != "update" {
					t.Fatalf("got %+v", r)
				}
				if r.Offers[0].OfferID != "OFFERID0000000000001" || string(r.Offers[0].Offer) != `{"type":"offer","sdp":"v=0\r\n"}` {
					t.Fatalf("offer %+v", r.Offers[0])
				}
			}},
		{"answer", `{"answer":{"type":"answer","sdp":"x"},"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","to_peer_id":"` + peerB + `","offer_id":"OFFERID0000000000001"}`, nil,
			func(t *testing.T, r *Request) {
				if r.ToPeerID != peerB || r.OfferID != "OFFERID0000000000001" || string(r.Answer) != `{"type":"answer","sdp":"x"}` || r.NumWant != -1 {
					t.Fatalf("got %+v", r)
				}
			}},
		{"js length counts UTF-16 units", `{"action":"announce","info_hash":"` + strings.Repeat("é", 20) + `","peer_id":"` + peerA + `"}`, nil, nil},
		{"astral char counts two", `{"action":"announce","info_hash":"` + strings.Repeat("😀", 10) + `","peer_id":"` + peerA + `"}`, nil, nil},
		{"left 0 is complete", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","left":0,"event":"started"}`, nil,
			func(t *testing.T, r *Request) {
				if !r.Complete || r.Event != "started" {
					t.Fatalf("got %+v", r)
				}
			}},
		{"numwant as string, capped", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","numwant":"500"}`, nil,
			func(t *testing.T, r *Request) {
				if r.NumWant != MaxAnnouncePeers {
					t.Fatalf("numwant %d", r.NumWant)
				}
			}},
		{"scrape one", `{"action":"scrape","info_hash":"` + hashA + `"}`, nil,
			func(t *testing.T, r *Request) {
				if len(r.ScrapeHashes) != 1 || r.ScrapeHashes[0] != hashA {
					t.Fatalf("got %+v", r)
				}
			}},
		{"scrape list", `{"action":"scrape","info_hash":["` + hashA + `","` + peerA + `"]}`, nil, nil},
		{"malformed", `{"action":"announce",`, ErrMalformed, nil},
		{"not JSON", `hello`, ErrMalformed, nil},
		{"array", `[1,2]`, ErrNotObject, nil},
		{"null", `null`, ErrNotObject, nil},
		{"unknown action", `{"action":"connect"}`, ErrInvalidAction, nil},
		{"missing action", `{}`, ErrInvalidAction, nil},
		{"short info_hash", `{"action":"announce","info_hash":"abc","peer_id":"` + peerA + `"}`, ErrInvalidHash, nil},
		{"numeric info_hash", `{"action":"announce","info_hash":12345678901234567890,"peer_id":"` + peerA + `"}`, ErrInvalidHash, nil},
		{"missing peer_id", `{"action":"announce","info_hash":"` + hashA + `"}`, ErrInvalidPeerID, nil},
		{"long peer_id", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `x"}`, ErrInvalidPeerID, nil},
		{"answer without to_peer_id", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","answer":{"type":"answer"},"offer_id":"x"}`, ErrInvalidToPeer, nil},
		{"answer not an object", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","to_peer_id":"` + peerB + `","answer":"sdp","offer_id":"x"}`, ErrInvalidAnswer, nil},
		{"answer without offer_id", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","to_peer_id":"` + peerB + `","answer":{}}`, ErrInvalidOfferID, nil},
		{"falsy answer ignored", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","answer":0}`, nil,
			func(t *testing.T, r *Request) {
				if r.Answer != nil {
					t.Fatal("answer kept")
				}
			}},
		{"offers not an array", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","offers":{}}`, ErrInvalidOffers, nil},
		{"offer without id", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","offers":[{"offer":{}}]}`, ErrInvalidOffers, nil},
		{"offer not object", `{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","offers":[{"offer_id":"x","offer":"y"}]}`, ErrInvalidOffers, nil},
		{"scrape without hash", `{"action":"scrape"}`, ErrInvalidHash, nil},
		{"scrape bad hash", `{"action":"scrape","info_hash":["short"]}`, ErrInvalidHash, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRequest([]byte(tt.in))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if strings.HasPrefix(FailureReason(err), "tracker:") {
					t.Fatalf("failure reason keeps the prefix: %q", FailureReason(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.chk != nil {
				tt.chk(t, r)
			}
		})
	}
}

func TestOffersCapped(t *testing.T) {
	var offers []string
	for range MaxAnnouncePeers + 5 {
		offers = append(offers, `{"offer_id":"x","offer":{}}`)
	}
	r, err := ParseRequest([]byte(`{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","offers":[` + strings.Join(offers, ",") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Offers) != MaxAnnouncePeers {
		t.Fatalf("kept %d offers", len(r.Offers))
	}
}

func TestEncodeOrder(t *testing.T) {
	got := string(encode(forwardedOffer{actionAnnounce, json.RawMessage(`{"type":"offer","sdp":"a<b>&"}`), "O", peerA, hashA}))
	want := `{"action":"announce","offer":{"type":"offer","sdp":"a<b>&"},"offer_id":"O","peer_id":"` + peerA + `","info_hash":"` + hashA + `"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(`{"action":"announce","info_hash":"` + hashA + `","numwant":10,"peer_id":"` + peerA + `","offers":[{"offer_id":"OFFERID0000000000001","offer":{"type":"offer","sdp":"v=0"}}]}`))
	f.Add([]byte(`{"answer":{"type":"answer","sdp":"x"},"action":"announce","info_hash":"` + hashA + `","peer_id":"` + peerA + `","to_peer_id":"` + peerB + `","offer_id":"1"}`))
	f.Add([]byte(`{"action":"scrape","info_hash":["` + hashA + `"]}`))
	f.Add([]byte(`{"action":"announce","info_hash":"` + strings.Repeat("é", 20) + `","peer_id":"` + peerA + `","left":"0","event":"completed"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"action":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRequest(data)
		if err != nil {
			if r != nil {
				t.Fatal("request and error")
			}
			if FailureReason(err) == "" {
				t.Fatal("empty failure reason")
			}
			_ = encode(parseFailure{FailureReason(err)})
			return
		}
		switch r.Action {
		case actionAnnounce:
			if jsLen(r.InfoHash) != hashLen || jsLen(r.PeerID) != hashLen {
				t.Fatalf("bad ids accepted: %+v", r)
			}
			if r.Answer != nil && jsLen(r.ToPeerID) != hashLen {
				t.Fatalf("answer without valid to_peer_id: %+v", r)
			}
			if len(r.Offers) > MaxAnnouncePeers || r.NumWant > MaxAnnouncePeers {
				t.Fatalf("limits not applied: %+v", r)
			}
			for _, o := range r.Offers {
				out := encode(forwardedOffer{actionAnnounce, o.Offer, o.OfferID, r.PeerID, r.InfoHash})
				if !json.Valid(out) {
					t.Fatalf("invalid forwarded offer %s", out)
				}
			}
			if r.Answer != nil && !json.Valid(encode(forwardedAnswer{actionAnnounce, r.Answer, r.OfferID, r.PeerID, r.InfoHash})) {
				t.Fatal("invalid forwarded answer")
			}
		case actionScrape:
			if len(r.ScrapeHashes) == 0 || len(r.ScrapeHashes) > maxScrapeHashes {
				t.Fatalf("scrape hashes %d", len(r.ScrapeHashes))
			}
		default:
			t.Fatalf("action %q", r.Action)
		}
	})
}
