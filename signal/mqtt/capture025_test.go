package mqtt

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/internal/v025/topic"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// capture025 is the MQTT part of vectors/025-mqtt-supabase-capture.json:
// what the real @trystero-p2p/mqtt@0.25.4 passed to its MQTT client on
// joining test-app / room-1 (calls are [method, topic, payload, opts]).
type capture025 struct {
	SelfID  string   `json:"selfId"`
	Brokers []string `json:"mqttBrokers"`
	Calls   [][]any  `json:"mqttCalls"`
}

// TestCapture025 replays the 0.25 capture against a real broker with the
// captured selfId: the announcement on the hashed root topic is the
// captured payload byte for byte, and the captured self topic is where the
// room listens. Then, beyond the capture (protocol-0.25 §6.1, §6.2): a
// larger announcer gets an offer with an offerId and then trickled
// candidates, all sealed with the room's AES-GCM key; a smaller one gets a
// nudge; an offer on our topic gets an answer echoing its offerId; an
// offer sealed with another password is reported through OnJoinError.
func TestCapture025(t *testing.T) {
	var vec capture025
	if err := json.Unmarshal(testutil.Vector(t, "025-mqtt-supabase-capture.json"), &vec); err != nil {
		t.Fatal(err)
	}
	if got := relays.MQTT.Pick("test-app", 0); !slices.Equal(got, vec.Brokers) {
		t.Fatalf("default brokers %v, captured %v", got, vec.Brokers)
	}
	if len(vec.Calls) < 3 || vec.Calls[0][0] != "subscribeAsync" || vec.Calls[1][0] != "subscribeAsync" || vec.Calls[2][0] != "publish" {
		t.Fatalf("unexpected vector %v", vec.Calls)
	}
	self, root, announce := vec.Calls[0][1].(string), vec.Calls[1][1].(string), vec.Calls[2][2].(string)
	names := topic.ForRoom("test-app", "room-1")
	if names.Root != root || names.Peer(vec.SelfID) != self || vec.Calls[2][1] != root {
		t.Fatalf("topics %s %s, captured %s %s", names.Root, names.Peer(vec.SelfID), root, self)
	}
	for _, password := range []string{"", "hunter2"} {
		t.Run("password="+password, func(t *testing.T) {
			b := startMochi(t)
			big, small, small2 := "zREMOTEPEER000000001", "0AREMOTEPEER00000001", "0BREMOTEPEER00000002"
			sp, ch := spy(t, b.URL, root, names.Peer(big), names.Peer(small), names.Peer(small2))
			joinErrs := make(chan *posthorn.JoinError, 8)
			s := New(&posthorn.Options{SelfID: vec.SelfID, Logger: testLogger(t, "member")})
			t.Cleanup(s.Close)
			ctx := strategytest.Ctx(t)
			_, err := s.JoinRoom(ctx, posthorn.Config{AppID: "test-app", Protocol: posthorn.Protocol025,
				Password: password, RelayURLs: []string{b.URL}, RTCConfig: &posthorn.RTCConfiguration{},
				OnJoinError: func(e *posthorn.JoinError) { joinErrs <- e }}, "room-1")
			if err != nil {
				t.Fatal(err)
			}
			gcm := crypt.NewGCM(password, "test-app", "room-1")
			open := func(cipher string) string {
				plain, err := gcm.Decrypt(cipher)
				if err != nil {
					t.Fatalf("%q is not sealed with the room key: %v", cipher, err)
				}
				return plain
			}
			if got := nextOn(t, ch, root); string(got) != announce {
				t.Fatalf("announcement %s, captured %s", got, announce)
			}

			// A larger id announces: we lead with an offer, then candidates.
			if err := sp.Publish(ctx, root, v025wire.Announce(big, false)); err != nil {
				t.Fatal(err)
			}
			got := nextOn(t, ch, names.Peer(big))
			m, err := v025wire.Parse(got)
			if err != nil || m.Kind != v025wire.KindOffer || m.PeerID != vec.SelfID || len(m.OfferID) != 12 {
				t.Fatalf("offer %s: %+v %v", got, m, err)
			}
			if !strings.HasPrefix(open(m.Cipher), "v=0\r\n") || string(got) != string(v025wire.Offer(vec.SelfID, m.OfferID, m.Cipher, false)) {
				t.Fatalf("offer %s", got)
			}
			offerID := m.OfferID
			got = nextOn(t, ch, names.Peer(big))
			if m, err = v025wire.Parse(got); err != nil || m.Kind != v025wire.KindCandidate || m.OfferID != offerID ||
				string(got) != string(v025wire.Candidate(vec.SelfID, m.Cipher, offerID, true, false)) {
				t.Fatalf("candidate %s: %+v %v", got, m, err)
			}
			if _, err := v025wire.ParseCandidate(open(m.Cipher)); err != nil {
				t.Fatalf("candidate %q: %v", open(m.Cipher), err)
			}

			// A smaller id announces: we nudge it on its topic.
			if err := sp.Publish(ctx, root, v025wire.Announce(small, false)); err != nil {
				t.Fatal(err)
			}
			if got := nextOn(t, ch, names.Peer(small)); string(got) != string(v025wire.Announce(vec.SelfID, false)) {
				t.Fatalf("nudge %s", got)
			}

			// Its offer on our (captured) topic gets an answer with its offerId.
			sealed, err := gcm.Encrypt(realOffer(t))
			if err != nil {
				t.Fatal(err)
			}
			if err := sp.Publish(ctx, self, v025wire.Offer(small, "OFFERID00001", sealed, false)); err != nil {
				t.Fatal(err)
			}
			for {
				got = nextOn(t, ch, names.Peer(small))
				if m, err = v025wire.Parse(got); err != nil || m.Kind != v025wire.KindAnnounce {
					break // skip repeated nudges
				}
			}
			if err != nil || m.Kind != v025wire.KindAnswer || m.OfferID != "OFFERID00001" ||
				string(got) != string(v025wire.Answer(vec.SelfID, m.Cipher, "OFFERID00001", false)) {
				t.Fatalf("answer %s: %+v %v", got, m, err)
			}
			if !strings.Contains(open(m.Cipher), "a=setup:") {
				t.Fatalf("answer sdp %q", open(m.Cipher))
			}

			// An offer sealed with another password: a join error, no answer.
			wrong, err := crypt.NewGCM(password+"x", "test-app", "room-1").Encrypt(realOffer(t))
			if err != nil {
				t.Fatal(err)
			}
			if err := sp.Publish(ctx, self, v025wire.Offer(small2, "OFFERID00002", wrong, false)); err != nil {
				t.Fatal(err)
			}
			e := recv(t, joinErrs, "the join error")
			if e.PeerID != small2 || !errors.Is(e, posthorn.ErrWrongPassword) || e.RoomID != "room-1" {
				t.Fatalf("join error %v", e)
			}
		})
	}
}
