package torrent

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/internal/v025/topic"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// capture025 is vectors/025-torrent-capture*.json: what the real
// @trystero-p2p/torrent@0.25.4 sent to its trackers on joining test-app /
// room-1, and its answer to a scripted offer.
type capture025 struct {
	SelfID              string          `json:"selfId"`
	RelayURLs           []string        `json:"relayUrls"`
	Announce            json.RawMessage `json:"announce"`
	DecryptedFirstOffer string          `json:"decryptedFirstOffer"`
	Answer              json.RawMessage `json:"answer"`
	DecryptedAnswer     string          `json:"decryptedAnswer"`
}

type announce025 struct {
	InfoHash string                  `json:"info_hash"`
	PeerID   string                  `json:"peer_id"`
	NumWant  int                     `json:"numwant"`
	Offers   []v025wire.TorrentOffer `json:"offers"`
}

type answer025 struct {
	InfoHash string       `json:"info_hash"`
	PeerID   string       `json:"peer_id"`
	Answer   v025wire.SDP `json:"answer"`
	OfferID  string       `json:"offer_id"`
	ToPeerID string       `json:"to_peer_id"`
}

var captures025 = map[string]string{"": "025-torrent-capture.json", "hunter2": "025-torrent-capture-password.json"}

// TestCapture025Wire: for both captures, the default trackers and the
// info_hash are ours, the captured announce and answer are what our
// encoders write for the same members, and their sealed descriptions open
// with the room key.
func TestCapture025Wire(t *testing.T) {
	for password, file := range captures025 {
		var vec capture025
		if err := json.Unmarshal(testutil.Vector(t, file), &vec); err != nil {
			t.Fatal(err)
		}
		if got := relays.Torrent.Pick("test-app", 0); !slices.Equal(got, vec.RelayURLs) {
			t.Fatalf("%s: default trackers %v, captured %v", file, got, vec.RelayURLs)
		}
		var ann announce025
		var ans answer025
		if json.Unmarshal(vec.Announce, &ann) != nil || json.Unmarshal(vec.Answer, &ans) != nil {
			t.Fatalf("%s: unexpected vector", file)
		}
		if ih := topic.ForRoom("test-app", "room-1").InfoHash(); ann.InfoHash != ih || ans.InfoHash != ih {
			t.Fatalf("%s: info_hash %s, captured %s", file, ih, ann.InfoHash)
		}
		if got, want := v025wire.TorrentAnnounce(ann.InfoHash, vec.SelfID, ann.Offers), compact(t, vec.Announce); string(got) != want || ann.NumWant != 3 || len(ann.Offers) != 3 {
			t.Fatalf("%s: announce\n%s\nwant\n%s", file, got, want)
		}
		if got, want := v025wire.TorrentAnswer(ans.InfoHash, vec.SelfID, ans.ToPeerID, ans.OfferID, ans.Answer.SDP), compact(t, vec.Answer); string(got) != want {
			t.Fatalf("%s: answer\n%s\nwant\n%s", file, got, want)
		}
		gcm := crypt.NewGCM(password, "test-app", "room-1")
		if got, err := gcm.Decrypt(ann.Offers[0].Offer.SDP); err != nil || got != vec.DecryptedFirstOffer {
			t.Fatalf("%s: first offer %q, %v", file, got, err)
		}
		if got, err := gcm.Decrypt(ans.Answer.SDP); err != nil || got != vec.DecryptedAnswer {
			t.Fatalf("%s: answer %q, %v", file, got, err)
		}
	}
}

// TestCapture025 replays the capture against a scripted tracker with the
// captured selfId: the announce has 0.25's members and order, three offers
// with 20-character ids, each a whole SDP with its candidates (no trickle)
// sealed with the room key; an offer from a smaller id is answered on the
// same socket in 0.25's member order, echoing offer_id; an offer from a
// larger id is ignored while ours are out (protocol-0.25 §11.1); an offer
// sealed with another password is reported through OnJoinError.
func TestCapture025(t *testing.T) {
	testutil.RequireNetns(t)
	for password, file := range captures025 {
		t.Run("password="+password, func(t *testing.T) {
			var vec capture025
			if err := json.Unmarshal(testutil.Vector(t, file), &vec); err != nil {
				t.Fatal(err)
			}
			st := newScriptedTracker(t)
			sink := strategytest.NewLog()
			joinErrs := make(chan *posthorn.JoinError, 8)
			s := New(&posthorn.Options{SelfID: vec.SelfID, Logger: slog.New(sink)})
			t.Cleanup(s.Close)
			go func() {
				_, _ = s.JoinRoom(strategytest.Ctx(t), posthorn.Config{AppID: "test-app", Password: password,
					Protocol: posthorn.Protocol025, RelayURLs: []string{st.url}, RTCConfig: &posthorn.RTCConfiguration{},
					OnJoinError: func(e *posthorn.JoinError) { joinErrs <- e }}, "room-1")
			}()
			c := st.accept()
			gcm := crypt.NewGCM(password, "test-app", "room-1")

			raw := readMsg(t, c)
			var ann announce025
			if err := json.Unmarshal(raw, &ann); err != nil {
				t.Fatal(err)
			}
			ih := topic.ForRoom("test-app", "room-1").InfoHash()
			if ann.InfoHash != ih || ann.PeerID != vec.SelfID || ann.NumWant != 3 || len(ann.Offers) != 3 ||
				string(raw) != string(v025wire.TorrentAnnounce(ih, vec.SelfID, ann.Offers)) {
				t.Fatalf("announce %s", raw)
			}
			for _, o := range ann.Offers {
				sdp, err := gcm.Decrypt(o.Offer.SDP)
				if err != nil || len(o.OfferID) != 20 || o.Offer.Type != "offer" {
					t.Fatalf("offer %+v: %v", o, err)
				}
				if !strings.Contains(sdp, "a=candidate:") || strings.Contains(sdp, "a=ice-options:trickle") {
					t.Fatalf("offer is not a whole SDP:\n%s", sdp)
				}
			}

			offer := func(from, offerID string, key *crypt.GCM) {
				sealed, err := key.Encrypt(realOffer(t))
				if err != nil {
					t.Fatal(err)
				}
				writeMsg(t, c, map[string]any{"action": "announce", "info_hash": ih, "peer_id": from,
					"offer_id": offerID, "offer": v025wire.SDP{Type: "offer", SDP: sealed}})
			}
			// A larger id's offer is ignored while ours are out.
			big := "zzzzzzzzzzzzzzzzzzz1"
			offer(big, "OFFERID0000000000002", gcm)
			waitLogSink(t, sink, "ignoring offer from a larger id", "peer="+big)

			// A smaller id's offer is answered.
			small := "00000000000000000000"
			offer(small, "OFFERID0000000000001", gcm)
			var ans answer025
			for {
				raw = readMsg(t, c)
				if bytes.Contains(raw, []byte(`"answer"`)) {
					break // skip announces
				}
			}
			if err := json.Unmarshal(raw, &ans); err != nil {
				t.Fatal(err)
			}
			if ans.OfferID != "OFFERID0000000000001" || ans.ToPeerID != small || ans.PeerID != vec.SelfID ||
				string(raw) != string(v025wire.TorrentAnswer(ih, vec.SelfID, small, ans.OfferID, ans.Answer.SDP)) {
				t.Fatalf("answer %s", raw)
			}
			if sdp, err := gcm.Decrypt(ans.Answer.SDP); err != nil || !strings.Contains(sdp, "a=setup:") {
				t.Fatalf("answer sdp %q: %v", sdp, err)
			}

			// An offer sealed with another password: a join error.
			offer("00000000000000000002", "OFFERID0000000000003", crypt.NewGCM(password+"x", "test-app", "room-1"))
			select {
			case e := <-joinErrs:
				if e.PeerID != "00000000000000000002" || !errors.Is(e, posthorn.ErrWrongPassword) {
					t.Fatalf("join error %v", e)
				}
			case <-time.After(strategytest.WaitTimeout):
				t.Fatal("no join error")
			}
		})
	}
}

// realOffer is a whole offer SDP from a real pion peer.
func realOffer(t *testing.T) string {
	p, err := peer.New(peer.Config{Initiator: true, RTCConfig: &posthorn.RTCConfiguration{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	ch := make(chan peer.Signal, 1)
	p.OnSignal(func(s peer.Signal) {
		select {
		case ch <- s:
		default:
		}
	})
	select {
	case s := <-ch:
		return s.SDP
	case <-time.After(strategytest.WaitTimeout):
		t.Fatal("no local offer")
	}
	return ""
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
