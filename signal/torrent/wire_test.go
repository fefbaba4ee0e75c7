package torrent

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/testutil"
)

func TestInfoHash(t *testing.T) {
	for _, tt := range []struct{ app, room, want string }{
		{"test-app", "room-1", "5v555w112h626i264rj4"}, // protocol-0.18 §9, verified
		{"my-app", "lobby", "4h36453u6y2er5i6mp6h"},    // protocol-0.18 §9, re-derived
	} {
		if got := infoHashOf(tt.app, tt.room); got != tt.want {
			t.Errorf("infoHashOf(%q, %q) = %q, want %q", tt.app, tt.room, got, tt.want)
		}
	}
}

// announceMsg and answerMsg are Trystero's announce and answer as structs,
// members in its order: the captures decode into them, and encoding/json
// (through jsjson) encoding them is the reference encodeAnnounce and
// encodeAnswer are fuzzed against.
type announceMsg struct {
	Action   string       `json:"action"`
	InfoHash string       `json:"info_hash"`
	NumWant  int          `json:"numwant"`
	PeerID   string       `json:"peer_id"`
	Offers   []offerEntry `json:"offers"`
}

type answerMsg struct {
	Answer   sdpObject `json:"answer"`
	Action   string    `json:"action"`
	InfoHash string    `json:"info_hash"`
	PeerID   string    `json:"peer_id"`
	ToPeerID string    `json:"to_peer_id"`
	OfferID  string    `json:"offer_id"`
}

func FuzzEncodeMatchesStructs(f *testing.F) {
	f.Add("5v555w112h626i264rj4", "KldgFIh2YmnA0YyYXCia", "tyMFjiv3cEyjgEBD1Mq1", "offer1", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", 3)
	f.Add("\u2028<&>", "\x00\xff", "\"\\", "", "", 0)
	f.Fuzz(func(t *testing.T, infoHash, self, to, offerID, sdp string, n int) {
		offers := make([]offerEntry, n&15)
		for i := range offers {
			offers[i] = offerEntry{OfferID: offerID + strconv.Itoa(i), Offer: sdpObject{Type: "offer", SDP: sdp}}
		}
		testutil.SameAsMarshal(t, "announce", encodeAnnounce(infoHash, self, offers),
			announceMsg{trackerAction, infoHash, offerPoolSize, self, offers})
		answer := sdpObject{Type: "answer", SDP: sdp}
		testutil.SameAsMarshal(t, "answer", encodeAnswer(infoHash, self, to, offerID, answer),
			answerMsg{answer, trackerAction, infoHash, self, to, offerID})
	})
}

// capture is the part of 018-torrent-capture*.json these tests use.
type capture struct {
	SelfID             string          `json:"selfId"`
	AnnounceFieldOrder []string        `json:"announceFieldOrder"`
	AnswerFieldOrder   []string        `json:"answerFieldOrder"`
	Announce           json.RawMessage `json:"announce"`
	Answer             json.RawMessage `json:"answer"`
	DecryptedOffer     string          `json:"decryptedFirstOfferSdp"`
	DecryptedAnswer    string          `json:"decryptedAnswerSdp"`
}

func loadCapture(t *testing.T, name string) capture {
	t.Helper()
	b := testutil.Vector(t, name)
	var c capture
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// keysInOrder lists the top-level member names of a JSON object in order.
func keysInOrder(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestWireMatchesCapture(t *testing.T) {
	for _, tt := range []struct {
		file     string
		password string
	}{
		{"018-torrent-capture.json", ""},
		{"018-torrent-capture-password.json", "hunter2"}, // §9 inputs
	} {
		t.Run(tt.file, func(t *testing.T) {
			c := loadCapture(t, tt.file)
			var ann announceMsg
			if err := json.Unmarshal(c.Announce, &ann); err != nil {
				t.Fatal(err)
			}
			got := encodeAnnounce(ann.InfoHash, c.SelfID, ann.Offers)
			// The capture lists two of the ten offers plus their count;
			// JS's bytes for those two are the compacted object without it.
			var want bytes.Buffer
			if err := json.Compact(&want, c.Announce); err != nil {
				t.Fatal(err)
			}
			wantB := bytes.Replace(want.Bytes(), []byte(`,"offersCount":10`), nil, 1)
			if !bytes.Equal(got, wantB) {
				t.Fatalf("announce\n got %s\nwant %s", got, wantB)
			}
			if keys := keysInOrder(t, got); !slices.Equal(keys, c.AnnounceFieldOrder) {
				t.Fatalf("announce order %v, want %v", keys, c.AnnounceFieldOrder)
			}
			if ann.InfoHash != infoHashOf("test-app", "room-1") || ann.NumWant != offerPoolSize || ann.Action != trackerAction {
				t.Fatalf("announce fields %+v", ann)
			}

			var ans answerMsg
			if err := json.Unmarshal(c.Answer, &ans); err != nil {
				t.Fatal(err)
			}
			got = encodeAnswer(ans.InfoHash, ans.PeerID, ans.ToPeerID, ans.OfferID, ans.Answer)
			want.Reset()
			if err := json.Compact(&want, c.Answer); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("answer\n got %s\nwant %s", got, want.Bytes())
			}
			if keys := keysInOrder(t, got); !slices.Equal(keys, c.AnswerFieldOrder) {
				t.Fatalf("answer order %v, want %v", keys, c.AnswerFieldOrder)
			}

			// The receive path takes what JS sealed, and the password opens it.
			offer, _ := json.Marshal(ann.Offers[0].Offer)
			sdp, err := sealedSDP(offer, "offer")
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := json.Marshal(ans.Answer)
			sealedAnswer, err := sealedSDP(answer, "answer")
			if err != nil {
				t.Fatal(err)
			}
			if tt.password == "" {
				if sdp != ann.Offers[0].Offer.SDP {
					t.Fatalf("offer sdp %q", sdp)
				}
			} else {
				key := crypt.NewCBC(tt.password, "room-1")
				if got, err := key.Decrypt(sdp); err != nil || got != c.DecryptedOffer {
					t.Fatalf("decrypted offer %q, %v; want %q", got, err, c.DecryptedOffer)
				}
				if got, err := key.Decrypt(sealedAnswer); err != nil || got != c.DecryptedAnswer {
					t.Fatalf("decrypted answer %q, %v; want %q", got, err, c.DecryptedAnswer)
				}
				if _, err := crypt.NewCBC("not-"+tt.password, "room-1").Decrypt(sdp); err == nil {
					t.Fatal("wrong password decrypted the offer")
				}
			}
			// Type mismatches are errors, not panics.
			if _, err := sealedSDP(answer, "offer"); !errors.Is(err, errBadSDP) {
				t.Fatalf("answer accepted as offer: %v", err)
			}
		})
	}
}

func TestDecodeTrackerMsg(t *testing.T) {
	for _, tt := range []struct {
		in      string
		ok      bool
		offer   bool
		answer  bool
		failure string
	}{
		{`{"complete":0,"incomplete":1,"action":"announce","interval":120,"info_hash":"5v555w112h626i264rj4"}`, true, false, false, ""},
		{`{"action":"announce","offer":{"type":"offer","sdp":"x"},"offer_id":"O","peer_id":"P","info_hash":"H"}`, true, true, false, ""},
		{`{"action":"announce","answer":{"type":"answer","sdp":"x"},"offer_id":"O","peer_id":"P","info_hash":"H"}`, true, false, true, ""},
		{`{"failure reason":"invalid info_hash"}`, true, false, false, "invalid info_hash"},
		{`{"action":"announce","offer":null,"info_hash":"H"}`, true, false, false, ""},
		{`{"info_hash":5}`, false, false, false, ""},
		{`{"interval":"120","info_hash":"H","offer":{"type":"offer","sdp":"x"}}`, true, true, false, ""},
		{`not json`, false, false, false, ""},
	} {
		m, err := decodeTrackerMsg([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.in, err)
			continue
		}
		if err != nil {
			continue
		}
		if present(m.Offer) != tt.offer || present(m.Answer) != tt.answer || m.FailureReason != tt.failure {
			t.Errorf("%s: decoded %+v", tt.in, m)
		}
	}
}

func FuzzDecodeTrackerMsg(f *testing.F) {
	f.Add([]byte(`{"action":"announce","offer":{"type":"offer","sdp":"x"},"offer_id":"O","peer_id":"P","info_hash":"H"}`))
	f.Add([]byte(`{"failure reason":"x","interval":33.5}`))
	f.Add([]byte(`{"answer":"{\"c\":\"\",\"iv\":[]}"}`))
	key := crypt.NewCBC("pw", "r")
	f.Add([]byte(`{"ACTION":"announce","action":null,"Offer":{"TYPE":"offer","sdp":"x","Sdp":null},"interval":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeTrackerMsg(data)
		var want trackerMsg
		wantErr := json.Unmarshal(data, &want) // the reference: encoding/json into the struct
		if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(*m, want)) {
			t.Fatalf("%q: got %+v, %v; encoding/json gives %+v, %v", data, m, err, want, wantErr)
		}
		if err != nil {
			return
		}
		var o sdpObject
		_, sdpErr := sealedSDP(m.Offer, "offer")
		if ok := json.Unmarshal(m.Offer, &o) == nil && o.Type == "offer" && o.SDP != ""; ok != (sdpErr == nil) {
			t.Fatalf("%q: sealedSDP err %v, encoding/json gives %+v", m.Offer, sdpErr, o)
		}
		// Taking apart and opening whatever arrived fails cleanly or yields
		// a session description.
		sdp, err := sealedSDP(m.Offer, "offer")
		if err != nil {
			return
		}
		if sdp == "" {
			t.Fatal("empty SDP accepted")
		}
		_, _ = key.Decrypt(sdp)
	})
}
