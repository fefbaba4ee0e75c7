package mqtt

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/mqttclient"
	"github.com/posthorn/posthorn/internal/testutil"

	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// capture is vectors/018-mqtt-capture.json: what the real 0.18.0 mqtt.js
// passed to its MQTT client (calls are [method, topic, payload, opts]).
type capture struct {
	SelfID              string   `json:"selfId"`
	Brokers             []string `json:"brokers"`
	OnConnectCalls      [][]any  `json:"onConnectCalls"`
	AfterRemoteAnnounce [][]any  `json:"afterRemoteAnnounce"`
	AfterRemoteOffer    [][]any  `json:"afterRemoteOffer"`
	Leave               [][]any  `json:"leave"`
}

func loadCapture(t *testing.T) capture {
	t.Helper()
	data := testutil.Vector(t, "018-mqtt-capture.json")
	var c capture
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func jsString(t *testing.T, s string) string {
	b, err := jsjson.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sdpOf returns the sdp member of a captured offer/answer payload.
func sdpOf(t *testing.T, payload string) (peerID, sdp string) {
	var m struct {
		PeerID string
		Offer  *struct{ SDP string }
		Answer *struct{ SDP string }
	}
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		t.Fatalf("payload %q: %v", payload, err)
	}
	switch {
	case m.Offer != nil:
		return m.PeerID, m.Offer.SDP
	case m.Answer != nil:
		return m.PeerID, m.Answer.SDP
	}
	t.Fatalf("payload %q has neither offer nor answer", payload)
	return "", ""
}

// sameShape checks that got is the captured payload want with its selfId
// and sdp replaced by ours: same members, same order, same escaping.
func sameShape(t *testing.T, got []byte, want, selfID, sdp string) {
	t.Helper()
	vecSelf, vecSDP := sdpOf(t, want)
	exp := strings.Replace(want, jsString(t, vecSelf), jsString(t, selfID), 1)
	exp = strings.Replace(exp, jsString(t, vecSDP), jsString(t, sdp), 1)
	if string(got) != exp {
		t.Fatalf("payload\n got %s\nwant %s", got, exp)
	}
}

// spy is a plain client watching topics of the room.
func spy(t *testing.T, url string, topics ...string) (*mqttclient.Client, chan msg) {
	ch := make(chan msg, 64)
	c := dialTest(t, url, "spy")
	for _, tp := range topics {
		tp := tp
		if err := c.Subscribe(context.Background(), tp, func(p []byte) { ch <- msg{tp, p} }); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "spy connected", func() bool { return c.State() == 1 })
	return c, ch
}

// nextOn returns the next message on topic, skipping others.
func nextOn(t *testing.T, ch chan msg, topic string) []byte {
	t.Helper()
	for {
		m := recv(t, ch, "a publish on "+topic)
		if m.topic == topic {
			return m.payload
		}
	}
}

// TestCapture replays the captured 0.18 MQTT exchange against a real
// broker: the announcement is the raw selfId on the root topic; an announce
// from an unknown peer is answered with an offer on that peer's topic; an
// offer on our topic is answered on the offerer's; payloads have the
// captured member order and escaping; with a password the sdp is an
// envelope of §3; leaving disconnects.
func TestCapture(t *testing.T) {
	vec := loadCapture(t)
	if got := DefaultRelayURLs[:DefaultRedundancy]; !slices.Equal(got, vec.Brokers) {
		t.Fatalf("default brokers %v, captured %v", got, vec.Brokers)
	}
	for _, password := range []string{"", "hunter2"} {
		t.Run("password="+password, func(t *testing.T) {
			b, server := startMochiServer(t)
			const root = "trystero/test-app/room-1"
			remote1, remote2 := "REMOTEPEER0000000001", "REMOTEPEER0000000002"
			sp, ch := spy(t, b.URL, root, root+"/"+remote1, root+"/"+remote2)
			m := strategytest.Join(t, harness, "room-1", posthorn.Config{RelayURLs: []string{b.URL}, Password: password})
			var cbc *crypt.CBC
			if password != "" {
				cbc = crypt.NewCBC(password, "room-1")
			}
			open := func(sdp string) string {
				if cbc == nil {
					return sdp
				}
				plain, err := cbc.Decrypt(sdp)
				if err != nil {
					t.Fatalf("sdp is not an envelope for the room key: %v", err)
				}
				return plain
			}

			// onConnectCalls: subscribe root, subscribe self, publish root selfId.
			if want := vec.OnConnectCalls[2]; want[0] != "publish" || want[1] != root {
				t.Fatalf("unexpected vector %v", want)
			}
			if got := nextOn(t, ch, root); string(got) != m.ID {
				t.Fatalf("announcement %q, want the raw selfId %q", got, m.ID)
			}

			// afterRemoteAnnounce: an offer to the newcomer on its topic.
			ctx := strategytest.Ctx(t)
			if err := sp.Publish(ctx, root, []byte(remote1)); err != nil {
				t.Fatal(err)
			}
			want := vec.AfterRemoteAnnounce[0]
			if want[1] != root+"/"+remote1 {
				t.Fatalf("unexpected vector %v", want)
			}
			got := nextOn(t, ch, root+"/"+remote1)
			_, sdp := sdpOf(t, string(got))
			if !strings.HasPrefix(open(sdp), "v=0\r\n") {
				t.Fatalf("offer sdp %q", sdp)
			}
			sameShape(t, got, want[2].(string), m.ID, sdp)

			// afterRemoteOffer: a real offer from remote2 gets an answer.
			offer := realOffer(t)
			wire := offer
			if cbc != nil {
				var err error
				if wire, err = cbc.Encrypt(offer); err != nil {
					t.Fatal(err)
				}
			}
			payload := `{"peerId":` + jsString(t, remote2) + `,"offer":{"type":"offer","sdp":` + jsString(t, wire) + `}}`
			if err := sp.Publish(ctx, root+"/"+m.ID, []byte(payload)); err != nil {
				t.Fatal(err)
			}
			want = vec.AfterRemoteOffer[0]
			got = nextOn(t, ch, root+"/"+remote2)
			_, sdp = sdpOf(t, string(got))
			if !strings.Contains(open(sdp), "a=setup:") {
				t.Fatalf("answer sdp %q", open(sdp))
			}
			sameShape(t, got, want[2].(string), m.ID, sdp)

			// leave: client.end() on every broker.
			before := server().Clients()
			if err := m.Room.Leave(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the member's broker connection to end", func() bool { return server().Clients() == before-1 })
		})
	}
}

// realOffer makes a non-trickle offer SDP with pion, as a remote would.
func realOffer(t *testing.T) string {
	p, err := peer.New(peer.Config{Initiator: true, RTCConfig: &posthorn.RTCConfiguration{}})
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
	s := recv(t, ch, "local offer")
	if s.Type != "offer" || !bytes.Contains([]byte(s.SDP), []byte("a=candidate")) {
		t.Fatalf("not a non-trickle offer: %+v", s)
	}
	return s.SDP
}

// TestOfferOnTriggerBrokerOnly: with two brokers, the offer to a peer
// announced on one broker is published on that broker only (§7.3: JS
// answers every copy of an offer).
func TestOfferOnTriggerBrokerOnly(t *testing.T) {
	b1, b2 := startMochi(t), startMosquitto(t)
	const root = "trystero/test-app/room-1"
	remote := "REMOTEPEER0000000001"
	s1, ch1 := spy(t, b1.URL, root, root+"/"+remote)
	s2, ch2 := spy(t, b2.URL, root, root+"/"+remote)
	m := strategytest.Join(t, harness, "room-1", posthorn.Config{RelayURLs: []string{b1.URL, b2.URL}})
	nextOn(t, ch1, root) // m's announcements: m is subscribed on both
	nextOn(t, ch2, root)
	ctx := strategytest.Ctx(t)
	if err := s1.Publish(ctx, root, []byte(remote)); err != nil {
		t.Fatal(err)
	}
	if peerID, _ := sdpOf(t, string(nextOn(t, ch1, root+"/"+remote))); peerID != m.ID {
		t.Fatalf("offer from %q, want %q", peerID, m.ID)
	}
	if err := s2.Publish(ctx, root+"/"+remote, []byte("marker")); err != nil {
		t.Fatal(err)
	}
	if got := nextOn(t, ch2, root+"/"+remote); string(got) != "marker" {
		t.Fatalf("the other broker carried %q", got)
	}
}
